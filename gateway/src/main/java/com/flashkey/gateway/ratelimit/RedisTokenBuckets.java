package com.flashkey.gateway.ratelimit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.io.ClassPathResource;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Component;

import com.flashkey.gateway.config.GatewayProperties.Policy;

import reactor.core.publisher.Mono;

/** Token buckets in Redis: one script call takes a token from every bucket of a request, or from none. */
@Component
class RedisTokenBuckets {

    /**
     * Loaded once, as a string: a script built from a Resource re-checks the resource's modification time on every
     * call (file I/O inside the jar, under a lock, on the event loop), which stalled requests under load.
     */
    @SuppressWarnings("rawtypes")
    private static final RedisScript<List> SCRIPT = RedisScript.of(loadScript(), List.class);

    private final ReactiveStringRedisTemplate redis;

    private final String warmUpKey;

    RedisTokenBuckets(ReactiveStringRedisTemplate redis, @Value("${flashkey.redis.key-prefix:fk:}") String keyPrefix) {
        this.redis = redis;
        this.warmUpKey = keyPrefix + "gw:rl:{warm-up}";
    }

    private static String loadScript() {
        try {
            return new ClassPathResource("scripts/token-buckets.lua").getContentAsString(StandardCharsets.UTF_8);
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    /** Takes a token from a throw-away bucket: connects and caches the script. */
    Mono<Void> warmUp() {
        Policy policy = new Policy(1, Duration.ofSeconds(1), null, false);
        return take(List.of(new Bucket(warmUpKey, policy))).then();
    }

    @SuppressWarnings("unchecked")
    Mono<Decision> take(List<Bucket> buckets) {
        List<String> keys = new ArrayList<>(buckets.size());
        List<String> args = new ArrayList<>(buckets.size() * 2);
        for (Bucket bucket : buckets) {
            keys.add(bucket.key());
            args.add(Double.toString(bucket.policy().ratePerMilli()));
            args.add(Long.toString(bucket.policy().capacity()));
        }
        return redis.execute(SCRIPT, keys, args).<Long>concatMapIterable(list -> (List<Long>) list).collectList()
            .map(result -> {
                Bucket reported = buckets.get(result.get(1).intValue() - 1);
                return new Decision(result.get(0) == 1L, reported.policy().capacity(), result.get(2),
                        Duration.ofMillis(result.get(3)), Duration.ofMillis(result.get(4)), Decision.Source.REDIS,
                        reported.key());
            });
    }
}
