package com.flashkey.gateway.ratelimit;

import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.stereotype.Component;

import com.flashkey.gateway.config.GatewayProperties;

import reactor.core.publisher.Mono;

/**
 * Asks Redis first ({@link RedisTokenBuckets}, which decides the requests that arrive together in one call), unless
 * Redis reported one of the request's buckets empty a moment ago and it cannot have refilled yet
 * ({@link EmptyBuckets}): then the refusal is answered here. When Redis does not answer in time (or
 * failed within the back-off), reads pass (fail open: browsing must not break because a limiter is down) and
 * writes are counted by an in-memory limiter of the same shape (an order flood must not reach the back end
 * unthrottled).
 */
@Component
public class RateLimiter implements ApplicationListener<ApplicationReadyEvent> {

    private static final Logger log = LoggerFactory.getLogger(RateLimiter.class);

    private final RedisTokenBuckets redis;

    private final LocalTokenBuckets local;

    private final EmptyBuckets empty;

    private final long backoffMillis;

    private final AtomicLong redisDownUntil = new AtomicLong();

    private final AtomicLong lastWarning = new AtomicLong();

    RateLimiter(RedisTokenBuckets redis, GatewayProperties properties) {
        this.redis = redis;
        this.local = new LocalTokenBuckets(properties.rateLimit().localFallbackReplicas(), System::currentTimeMillis);
        this.empty = new EmptyBuckets(properties.rateLimit().knownEmptyMaxHold(), System::currentTimeMillis);
        this.backoffMillis = properties.rateLimit().redisBackoff().toMillis();
    }

    /**
     * Opens the Redis connection (and loads the script) once the application is ready, so the first requests do not
     * pay for the connection set-up and fall back needlessly. A background call at start-up, not in a request.
     */
    @Override
    public void onApplicationEvent(ApplicationReadyEvent event) {
        redis.warmUp((decision, failure) -> {
            if (failure != null) {
                warn(failure);
            }
        });
    }

    /**
     * The decision for one request. {@code continueOn}: where the answer from Redis is delivered (the request's
     * event loop), since Lettuce completes every reply on its single I/O thread.
     *
     * @param slot the hash tag shared by the request's buckets (requests of one slot are asked together)
     */
    Mono<Decision> take(String slot, List<Bucket> buckets, boolean read, Executor continueOn) {
        Decision refused = empty.refusal(buckets);
        if (refused != null) {
            return Mono.just(refused);
        }
        long now = System.currentTimeMillis();
        if (now < redisDownUntil.get()) {
            return Mono.fromSupplier(() -> fallback(buckets, read));
        }
        return Mono.create(sink -> redis.take(slot, buckets, continueOn, (decision, failure) -> {
            if (failure != null) {
                redisDownUntil.set(System.currentTimeMillis() + backoffMillis);
                warn(failure);
                sink.success(fallback(buckets, read));
                return;
            }
            empty.remember(decision, now);
            sink.success(decision);
        }));
    }

    /**
     * Forgets the buckets this replica holds as empty; for after buckets were deleted in Redis (tests do that
     * between cases), which would otherwise take up to {@code known-empty-max-hold} to be noticed.
     */
    public void forgetKnownEmptyBuckets() {
        empty.forget();
    }

    private Decision fallback(List<Bucket> buckets, boolean read) {
        return read ? Decision.failOpen() : local.take(buckets);
    }

    private void warn(Throwable ex) {
        long now = System.currentTimeMillis();
        long last = lastWarning.get();
        if (now - last > 10_000 && lastWarning.compareAndSet(last, now)) {
            log.warn("Rate-limit store unreachable ({}); reads pass, writes use the in-memory limiter", ex.toString());
        }
    }
}
