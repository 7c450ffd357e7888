package com.flashkey.order.order;

import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OrderNoTests {

    @Test
    void whenGeneratedThenItCarriesItsShardAndCreationTime() {
        Instant now = Instant.parse("2026-11-25T19:30:00.123Z");
        OrderNo no = OrderNo.generate(now, 3);
        assertThat(no.value()).hasSize(24).matches("[0-9A-Z]{24}");
        assertThat(no.shard()).isEqualTo(3);
        assertThat(no.createdAt()).isEqualTo(now);
        assertThat(OrderNo.generate(now, 1295).shard()).isEqualTo(1295);
    }

    @Test
    void whenGeneratedLaterThenItSortsLaterAsPlainString() {
        Instant t = Instant.parse("2026-11-25T19:30:00Z");
        List<OrderNo> numbers = IntStream.range(0, 200)
                .mapToObj(i -> OrderNo.generate(t.plusMillis(i * 7L), i % 4)).toList();
        List<String> sorted = numbers.stream().map(OrderNo::value).sorted().toList();
        assertThat(sorted).isEqualTo(numbers.stream().map(OrderNo::value).toList());
    }

    @Test
    void whenManyAreGeneratedInTheSameMillisecondThenNoneRepeatsAndTheRandomPartVaries() {
        Instant t = Instant.now();
        Set<String> seen = new HashSet<>();
        Set<Character> lastChars = new HashSet<>();
        for (int i = 0; i < 20_000; i++) {
            String v = OrderNo.generate(t, 0).value();
            assertThat(seen.add(v)).isTrue();
            lastChars.add(v.charAt(23));
        }
        // 64 random bits: the final digit takes (nearly) every one of the 36 values.
        assertThat(lastChars.size()).isGreaterThan(30);
    }

    @Test
    void whenTextIsNotAnOrderNumberThenParseFindsNothing() {
        assertThat(OrderNo.parse(null)).isEmpty();
        assertThat(OrderNo.parse("")).isEmpty();
        assertThat(OrderNo.parse("abc")).isEmpty();
        assertThat(OrderNo.parse("0000000000000000000000a0")).isEmpty();
        assertThat(OrderNo.parse("00000000000ZZZZZZZZZZZZZ")).as("random part above 2^64").isEmpty();
        String valid = OrderNo.generate(Instant.now(), 2).value();
        assertThat(OrderNo.parse(valid)).contains(new OrderNo(valid));
        assertThatThrownBy(() -> new OrderNo("x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> OrderNo.generate(Instant.now(), 1296)).isInstanceOf(IllegalArgumentException.class);
    }
}
