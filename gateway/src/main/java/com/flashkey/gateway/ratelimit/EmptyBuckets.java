package com.flashkey.gateway.ratelimit;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;

/**
 * Buckets that Redis reported empty, and until when. A token bucket only refills with time (every replica only
 * takes from it), so while a bucket cannot hold a whole token again, every request that needs it is refused: this
 * replica can refuse it at once, with the same answer, without asking Redis. A client hammering past its limit
 * then costs one Redis call per refill instead of one per request. Exact as long as nobody deletes buckets in
 * Redis by hand, and even then for at most {@code maxHold}.
 */
class EmptyBuckets {

    /** Until when (this JVM's clock) a bucket is known empty, and how long it then needs to be full again. */
    private record Empty(long untilMillis, long fullAtMillis, long capacity) {
    }

    private final Cache<String, Empty> empty;

    private final long maxHoldMillis;

    private final LongSupplier clockMillis;

    EmptyBuckets(Duration maxHold, LongSupplier clockMillis) {
        this.maxHoldMillis = maxHold.toMillis();
        this.clockMillis = clockMillis;
        // Entries leave the cache once their bucket may hold a token again, on the same clock as the checks.
        this.empty = Caffeine.newBuilder()
            .maximumSize(100_000)
            .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clockMillis.getAsLong()))
            .expireAfter(Expiry.<String, Empty>writing(
                    (key, value) -> Duration.ofMillis(Math.max(0, value.untilMillis() - clockMillis.getAsLong()))))
            .build();
    }

    /**
     * The refusal for this request if one of its buckets is known empty now; null if Redis must decide. Retry-After
     * is the wait for that bucket (another bucket of the request might need longer; Redis says so once asked).
     */
    Decision refusal(List<Bucket> buckets) {
        if (maxHoldMillis <= 0 || empty.estimatedSize() == 0) {
            return null;
        }
        long now = clockMillis.getAsLong();
        for (Bucket bucket : buckets) {
            Empty known = empty.getIfPresent(bucket.key());
            if (known != null && known.untilMillis() > now) {
                return new Decision(false, known.capacity(), 0, Duration.ofMillis(known.untilMillis() - now),
                        Duration.ofMillis(Math.max(0, known.fullAtMillis() - now)), Decision.Source.KNOWN_EMPTY,
                        bucket.key());
            }
        }
        return null;
    }

    /**
     * Remembers a refusal from Redis. {@code askedAtMillis} is when the request was sent: Redis computed its wait
     * later than that, so counting the wait from then never holds a bucket empty past its real refill.
     */
    void remember(Decision refused, long askedAtMillis) {
        if (maxHoldMillis <= 0 || refused.allowed() || refused.source() != Decision.Source.REDIS) {
            return;
        }
        long wait = Math.min(refused.retryAfter().toMillis() - 1, maxHoldMillis);
        if (wait <= 0) {
            return;
        }
        empty.put(refused.bucketKey(), new Empty(askedAtMillis + wait,
                askedAtMillis + refused.reset().toMillis(), refused.limit()));
    }

    void forget() {
        empty.invalidateAll();
    }
}
