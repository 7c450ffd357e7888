package com.flashkey.order.inventory;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SoldOutFlagsTests {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final SoldOutFlags flags = new SoldOutFlags(Duration.ofSeconds(1), now::get);

    @Test
    void whenInventorySaysNothingIsLeftThenTheSkuIsSoldOutUntilTheTtlPasses() {
        flags.noteAnswer("SKU-1", answer(Reservation.Outcome.SOLD_OUT, 0));
        assertThat(flags.soldOut("SKU-1")).isTrue();
        assertThat(flags.soldOut("SKU-2")).isFalse();
        now.addAndGet(Duration.ofMillis(999).toNanos());
        assertThat(flags.soldOut("SKU-1")).isTrue();
        now.addAndGet(Duration.ofMillis(1).toNanos());
        assertThat(flags.soldOut("SKU-1")).isFalse();
    }

    @Test
    void whenSomeUnitsAreLeftOrTheAnswerIsNotSoldOutThenNoFlagIsSet() {
        // Too few for a quantity of 2, but a buyer of 1 may still get the last unit.
        flags.noteAnswer("SKU-1", answer(Reservation.Outcome.SOLD_OUT, 1));
        flags.noteAnswer("SKU-2", answer(Reservation.Outcome.RESERVED, 0));
        flags.noteAnswer("SKU-3", answer(Reservation.Outcome.LIMIT_EXCEEDED, 0));
        flags.noteAnswer("SKU-4", answer(Reservation.Outcome.NOT_ON_SALE, 0));
        assertThat(flags.soldOut("SKU-1")).isFalse();
        assertThat(flags.soldOut("SKU-2")).isFalse();
        assertThat(flags.soldOut("SKU-3")).isFalse();
        assertThat(flags.soldOut("SKU-4")).isFalse();
    }

    @Test
    void whenThisProcessReleasesAReservationThenTheFlagIsClearedAtOnce() {
        flags.noteAnswer("SKU-1", answer(Reservation.Outcome.SOLD_OUT, 0));
        flags.clear("SKU-1");
        assertThat(flags.soldOut("SKU-1")).isFalse();
    }

    @Test
    void whenTheTtlIsZeroThenTheFlagIsOff() {
        SoldOutFlags off = new SoldOutFlags(Duration.ZERO, now::get);
        off.noteAnswer("SKU-1", answer(Reservation.Outcome.SOLD_OUT, 0));
        assertThat(off.soldOut("SKU-1")).isFalse();
    }

    private static Reservation answer(Reservation.Outcome outcome, long available) {
        return new Reservation("O1", 1, outcome, available);
    }
}
