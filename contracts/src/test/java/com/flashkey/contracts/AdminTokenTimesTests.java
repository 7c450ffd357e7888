package com.flashkey.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

class AdminTokenTimesTests {

    private static final Instant NOW = Instant.parse("2026-12-03T12:00:00Z");
    private static final Duration CAP = Duration.ofHours(12);

    @Test
    void whenIssuedNowAndLivingAtMostTheCapThenTheTokenPasses() {
        assertThat(AdminTokenTimes.refusal(NOW, NOW.plus(CAP), CAP, NOW)).isEmpty();
        assertThat(AdminTokenTimes.refusal(NOW.minusSeconds(30), NOW.plusSeconds(60), CAP, NOW)).isEmpty();
    }

    @Test
    void whenIatIsMissingThenTheTokenIsRefused() {
        assertThat(AdminTokenTimes.refusal(null, NOW.plusSeconds(60), CAP, NOW)).hasValueSatisfying(
                reason -> assertThat(reason).contains("iat"));
    }

    @Test
    void whenTheLifetimeExceedsTheCapByASecondThenTheTokenIsRefused() {
        assertThat(AdminTokenTimes.refusal(NOW, NOW.plus(CAP).plusSeconds(1), CAP, NOW)).hasValueSatisfying(
                reason -> assertThat(reason).contains("lifetime"));
    }

    @Test
    void whenIatLiesBeyondTheClockSkewInTheFutureThenTheTokenIsRefused() {
        // exp - iat within the cap, but iat a month ahead would keep the token valid for a month.
        Instant ahead = NOW.plus(Duration.ofDays(30));
        assertThat(AdminTokenTimes.refusal(ahead, ahead.plusSeconds(60), CAP, NOW)).isPresent();
        assertThat(AdminTokenTimes.refusal(NOW.plus(AdminTokenTimes.CLOCK_SKEW), NOW.plusSeconds(120), CAP, NOW))
                .isEmpty();
    }
}
