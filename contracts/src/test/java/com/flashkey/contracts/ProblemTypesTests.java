package com.flashkey.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProblemTypesTests {

    @Test
    void whenAStatusHasItsOwnCodeThenThatCodeIsNamed() {
        assertThat(ProblemTypes.codeFor(404)).isEqualTo("not-found");
        assertThat(ProblemTypes.codeFor(405)).isEqualTo("not-found");
        assertThat(ProblemTypes.codeFor(415)).isEqualTo("validation");
        assertThat(ProblemTypes.codeFor(413)).isEqualTo("payload-too-large");
        assertThat(ProblemTypes.codeFor(429)).isEqualTo("rate-limited");
        assertThat(ProblemTypes.codeFor(503)).isEqualTo("unavailable");
    }

    @Test
    void whenAStatusHasNoCodeThenA4xxIsValidationAndAnythingElseInternal() {
        assertThat(ProblemTypes.codeFor(406)).isEqualTo("validation");
        assertThat(ProblemTypes.codeFor(418)).isEqualTo("validation");
        assertThat(ProblemTypes.codeFor(500)).isEqualTo("internal");
        assertThat(ProblemTypes.codeFor(502)).isEqualTo("internal");
    }
}
