package com.flashkey.order.order.web;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

import reactor.core.publisher.Mono;

import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Component;

import com.flashkey.order.config.FlashkeyProperties;

/**
 * Fixed-window counters in Redis: one INCR (plus PEXPIRE on the first hit) per request, in one script so a counter
 * never lives without its expiry.
 */
@Component
class RateLimiter {

    private static final RedisScript<Long> HIT = RedisScript.of("local n = redis.call('INCR', KEYS[1]) "
            + "if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end return n", Long.class);

    private final ReactiveStringRedisTemplate redis;
    private final String prefix;
    private final Clock clock;

    RateLimiter(ReactiveStringRedisTemplate redis, FlashkeyProperties flashkey, Clock clock) {
        this.redis = redis;
        this.prefix = flashkey.redis().keyPrefix() + "order:rl:";
        this.clock = clock;
    }

    /** Counts a hit on {@code bucket}; fails with {@link RateLimitedException} beyond {@code limit} per window. */
    Mono<Void> hit(String bucket, int limit, Duration window) {
        long windowMillis = window.toMillis();
        long now = clock.millis();
        long windowIndex = now / windowMillis;
        Duration retryAfter = Duration.ofMillis((windowIndex + 1) * windowMillis - now);
        return redis.execute(HIT, List.of(prefix + bucket + ":" + windowIndex), List.of(Long.toString(windowMillis)))
                .next().flatMap(n -> n > limit ? Mono.error(new RateLimitedException(retryAfter)) : Mono.<Void>empty());
    }
}
