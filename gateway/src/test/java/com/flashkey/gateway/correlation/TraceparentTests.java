package com.flashkey.gateway.correlation;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TraceparentTests {

    @Test
    void whenTheHeaderIsValidThenTheTraceContinuesWithANewParent() {
        Traceparent incoming = Traceparent.parse("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01").orElseThrow();
        Traceparent child = incoming.child();
        assertThat(child.traceId()).isEqualTo("0af7651916cd43dd8448eb211c80319c");
        assertThat(child.spanId()).isNotEqualTo("b7ad6b7169203331").matches("[0-9a-f]{16}");
        assertThat(child.header()).startsWith("00-0af7651916cd43dd8448eb211c80319c-").endsWith("-01");
    }

    @Test
    void whenTheHeaderIsInvalidThenItIsNotUsed() {
        assertThat(Traceparent.parse("00-00000000000000000000000000000000-b7ad6b7169203331-01")).isEmpty();
        assertThat(Traceparent.parse("00-0af7651916cd43dd8448eb211c80319c-0000000000000000-01")).isEmpty();
        assertThat(Traceparent.parse("ff-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")).isEmpty();
        assertThat(Traceparent.parse("00-0AF7651916CD43DD8448EB211C80319C-b7ad6b7169203331-01")).isEmpty();
        assertThat(Traceparent.parse("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01-extra")).isEmpty();
        assertThat(Traceparent.parse("garbage")).isEmpty();
        assertThat(Traceparent.parse(null)).isEmpty();
    }

    @Test
    void whenAFutureVersionAddsFieldsThenTheKnownOnesAreUsed() {
        assertThat(Traceparent.parse("01-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01-more")).isPresent();
    }

    @Test
    void whenATraceIsStartedThenItIsWellFormedAndSampled() {
        Traceparent root = Traceparent.root();
        assertThat(Traceparent.parse(root.header())).contains(root);
        assertThat(root.flags()).isEqualTo("01");
    }
}
