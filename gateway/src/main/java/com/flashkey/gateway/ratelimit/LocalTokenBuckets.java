package com.flashkey.gateway.ratelimit;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import com.flashkey.gateway.config.GatewayProperties.Policy;

/**
 * The same token buckets in this JVM's memory, used for writes while Redis is unreachable. Each gateway replica
 * counts alone, so global buckets admit {@code limit / replicas} here to keep the sum near the global cap.
 */
class LocalTokenBuckets {

    private static final class State {
        double tokens;
        long updatedAt;
    }

    private final Cache<String, State> states;

    private final int replicas;

    private final LongSupplier clockMillis;

    LocalTokenBuckets(int replicas, LongSupplier clockMillis) {
        this.replicas = replicas;
        this.clockMillis = clockMillis;
        this.states = Caffeine.newBuilder().maximumSize(100_000).expireAfterAccess(10, TimeUnit.MINUTES).build();
    }

    /** All or nothing across the buckets; one lock, as this runs only while Redis is down. */
    synchronized Decision take(List<Bucket> buckets) {
        long now = clockMillis.getAsLong();
        int n = buckets.size();
        double[] tokens = new double[n];
        State[] stateOf = new State[n];
        boolean allowed = true;
        int report = 0;
        long retry = 0;
        for (int i = 0; i < n; i++) {
            Bucket bucket = buckets.get(i);
            double capacity = capacity(bucket.policy());
            double rate = rate(bucket.policy());
            State state = states.get(bucket.key(), key -> {
                State fresh = new State();
                fresh.tokens = capacity;
                fresh.updatedAt = now;
                return fresh;
            });
            stateOf[i] = state;
            double tk = Math.min(capacity, state.tokens + Math.max(0, now - state.updatedAt) * rate);
            tokens[i] = tk;
            if (tk < 1) {
                long wait = (long) Math.ceil((1 - tk) / rate);
                if (allowed || wait > retry) {
                    retry = wait;
                    report = i;
                }
                allowed = false;
            }
        }
        double fewest = Double.MAX_VALUE;
        for (int i = 0; i < n; i++) {
            if (allowed) {
                tokens[i] -= 1;
                if (tokens[i] < fewest) {
                    fewest = tokens[i];
                    report = i;
                }
            }
            stateOf[i].tokens = tokens[i];
            stateOf[i].updatedAt = now;
        }
        Policy policy = buckets.get(report).policy();
        long reset = (long) Math.ceil((capacity(policy) - tokens[report]) / rate(policy));
        return new Decision(allowed, (long) capacity(policy), Math.max(0, (long) Math.floor(tokens[report])),
                Duration.ofMillis(retry), Duration.ofMillis(reset), Decision.Source.LOCAL, buckets.get(report).key());
    }

    private double capacity(Policy policy) {
        return policy.global() ? Math.max(1, policy.capacity() / replicas) : policy.capacity();
    }

    private double rate(Policy policy) {
        return policy.global() ? policy.ratePerMilli() / replicas : policy.ratePerMilli();
    }
}
