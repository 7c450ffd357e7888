package com.flashkey.gateway.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import com.flashkey.gateway.config.GatewayProperties.Policy;

class EmptyBucketsTests {

    private final AtomicLong clock = new AtomicLong(1_000_000);

    private final Policy twoPerSecond = new Policy(2, Duration.ofSeconds(1), 5L, false);

    private final Bucket client = new Bucket("rl:orders:client-a", twoPerSecond);

    private final Bucket global = new Bucket("rl:orders:global", new Policy(2000, Duration.ofSeconds(1), null, true));

    private static Decision redisRefusal(Bucket bucket, long retryMillis, long resetMillis) {
        return new Decision(false, bucket.policy().capacity(), 0, Duration.ofMillis(retryMillis),
                Duration.ofMillis(resetMillis), Decision.Source.REDIS, bucket.key());
    }

    @Test
    void whenRedisRefusedABucketThenRequestsNeedingItAreRefusedHereUntilItCouldHoldATokenAgain() {
        EmptyBuckets empty = new EmptyBuckets(Duration.ofSeconds(1), clock::get);
        long askedAt = clock.get();
        clock.addAndGet(3); // the answer arrives a little after the question
        empty.remember(redisRefusal(client, 500, 2500), askedAt);

        Decision refused = empty.refusal(List.of(client, global));
        assertThat(refused).isNotNull();
        assertThat(refused.allowed()).isFalse();
        assertThat(refused.source()).isEqualTo(Decision.Source.KNOWN_EMPTY);
        assertThat(refused.limit()).isEqualTo(5);
        assertThat(refused.remaining()).isZero();
        assertThat(refused.retryAfter()).as("counted from when Redis was asked").isEqualTo(Duration.ofMillis(496));
        assertThat(refused.reset()).isEqualTo(Duration.ofMillis(2497));

        clock.set(askedAt + 499);
        assertThat(empty.refusal(List.of(client))).as("a token is back: Redis decides again").isNull();
    }

    @Test
    void whenABucketIsKnownEmptyThenOtherBucketsAreStillAskedInRedis() {
        EmptyBuckets empty = new EmptyBuckets(Duration.ofSeconds(1), clock::get);
        empty.remember(redisRefusal(client, 500, 2500), clock.get());

        assertThat(empty.refusal(List.of(new Bucket("rl:orders:client-b", twoPerSecond), global))).isNull();
    }

    @Test
    void whenTheRefillIsFarOffThenTheBucketIsHeldOnlyForTheMaximumHold() {
        EmptyBuckets empty = new EmptyBuckets(Duration.ofMillis(200), clock::get);
        long askedAt = clock.get();
        empty.remember(redisRefusal(client, 60_000, 60_000), askedAt);

        clock.set(askedAt + 150);
        assertThat(empty.refusal(List.of(client))).isNotNull();
        clock.set(askedAt + 200);
        assertThat(empty.refusal(List.of(client))).isNull();
    }

    @Test
    void whenOnlyAdmissionsOrFallbackAnswersWereSeenThenNothingIsHeld() {
        EmptyBuckets empty = new EmptyBuckets(Duration.ofSeconds(1), clock::get);
        empty.remember(new Decision(true, 5, 3, Duration.ZERO, Duration.ofMillis(900), Decision.Source.REDIS,
                client.key()), clock.get());
        empty.remember(new Decision(false, 5, 0, Duration.ofMillis(500), Duration.ofMillis(900),
                Decision.Source.LOCAL, client.key()), clock.get());

        assertThat(empty.refusal(List.of(client))).isNull();
    }

    @Test
    void whenTheHoldIsZeroThenRedisAlwaysDecides() {
        EmptyBuckets empty = new EmptyBuckets(Duration.ZERO, clock::get);
        empty.remember(redisRefusal(client, 500, 2500), clock.get());

        assertThat(empty.refusal(List.of(client))).isNull();
    }
}
