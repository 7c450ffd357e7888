package com.flashkey.gateway.ratelimit;

import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import com.flashkey.gateway.config.GatewayProperties.Policy;

/**
 * The same token buckets in this JVM's memory, used for writes while Redis is unreachable. Each gateway replica
 * counts alone, so global buckets admit {@code limit / replicas} here to keep the sum near the global cap.
 */
class LocalTokenBuckets {

    /** One bucket's tokens; its lock guards them. */
    private static final class State {
        final ReentrantLock lock = new ReentrantLock();
        double tokens;
        long updatedAt;
    }

    private final Cache<String, State> states;

    private final int replicas;

    private final LongSupplier clockMillis;

    LocalTokenBuckets(int replicas, LongSupplier clockMillis) {
        this.replicas = replicas;
        this.clockMillis = clockMillis;
        // A state evicted while in use (idle for 10 minutes, or beyond 100,000 keys) comes back full: at worst one
        // more burst for that key, in a limiter that only stands in while Redis is down.
        this.states = Caffeine.newBuilder().maximumSize(100_000).expireAfterAccess(10, TimeUnit.MINUTES).build();
    }

    /**
     * All or nothing across the buckets. Each bucket has its own lock, taken in key order (no deadlock), so
     * requests of different clients do not queue behind one lock: this runs on the event loops while Redis is
     * down, and one process-wide lock made all of them wait for whichever thread held it.
     */
    Decision take(List<Bucket> buckets) {
        int n = buckets.size();
        State[] stateOf = new State[n];
        for (int i = 0; i < n; i++) {
            Bucket bucket = buckets.get(i);
            double capacity = capacity(bucket.policy());
            stateOf[i] = states.get(bucket.key(), key -> {
                State fresh = new State();
                fresh.tokens = capacity;
                fresh.updatedAt = clockMillis.getAsLong();
                return fresh;
            });
        }
        Integer[] lockOrder = new Integer[n];
        for (int i = 0; i < n; i++) {
            lockOrder[i] = i;
        }
        Arrays.sort(lockOrder, Comparator.comparing(i -> buckets.get(i).key()));
        for (Integer i : lockOrder) {
            stateOf[i].lock.lock();
        }
        try {
            return takeLocked(buckets, stateOf);
        }
        finally {
            for (Integer i : lockOrder) {
                stateOf[i].lock.unlock();
            }
        }
    }

    private Decision takeLocked(List<Bucket> buckets, State[] stateOf) {
        // Read under the locks: a clock read before them could move a bucket's updatedAt backwards.
        long now = clockMillis.getAsLong();
        int n = buckets.size();
        double[] tokens = new double[n];
        boolean allowed = true;
        int report = 0;
        long retry = 0;
        for (int i = 0; i < n; i++) {
            Bucket bucket = buckets.get(i);
            double capacity = capacity(bucket.policy());
            double rate = rate(bucket.policy());
            State state = stateOf[i];
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
