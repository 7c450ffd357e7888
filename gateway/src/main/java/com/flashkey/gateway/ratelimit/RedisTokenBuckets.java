package com.flashkey.gateway.ratelimit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.io.ClassPathResource;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Component;

import com.flashkey.gateway.config.GatewayProperties;
import com.flashkey.gateway.config.GatewayProperties.Policy;

/**
 * Token buckets in Redis. Each request takes a token from every one of its buckets, or from none, decided by one Lua
 * script; the requests of a route that arrive while that route's script call is in flight are decided together by
 * the next call, in arrival order (the script applies them one after the other, so each gets exactly the answer a
 * call of its own would have given). One Redis round trip then serves many requests: its cost per request falls as
 * the load rises, where one call per request had every request pay a round trip, a reply on Lettuce's I/O thread and
 * a hop back to its event loop. Batches are per route because all of a route's keys share one hash tag, so a batch
 * stays in one Redis Cluster slot.
 * <p>
 * Bucket4j's Lettuce integration was considered: its batching coalesces requests to the same bucket only (here
 * nearly every request has its own client bucket), and it cannot take from a client and a global bucket all or
 * nothing in one step.
 */
@Component
class RedisTokenBuckets {

    private static final Logger log = LoggerFactory.getLogger(RedisTokenBuckets.class);

    /** Most requests decided by one script call (bounds the time Redis spends in one script). */
    static final int MAX_BATCH = 128;

    /**
     * Loaded once, as a string: a script built from a Resource re-checks the resource's modification time on every
     * call (file I/O inside the jar, under a lock, on the event loop), which stalled requests under load.
     */
    @SuppressWarnings("rawtypes")
    private static final RedisScript<List> SCRIPT = RedisScript.of(loadScript(), List.class);

    private final ReactiveStringRedisTemplate redis;

    private final Duration timeout;

    private final String warmUpKey;

    private final Map<String, Batcher> batchers = new ConcurrentHashMap<>();

    @Autowired
    RedisTokenBuckets(ReactiveStringRedisTemplate redis, GatewayProperties properties,
            @Value("${flashkey.redis.key-prefix:fk:}") String keyPrefix) {
        this(redis, properties.rateLimit().redisTimeout(), keyPrefix);
    }

    RedisTokenBuckets(ReactiveStringRedisTemplate redis, Duration timeout, String keyPrefix) {
        this.redis = redis;
        this.timeout = timeout;
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
    void warmUp(BiConsumer<Decision, Throwable> answer) {
        Policy policy = new Policy(1, Duration.ofSeconds(1), null, false);
        take("{warm-up}", List.of(new Bucket(warmUpKey, policy)), Runnable::run, answer);
    }

    /**
     * Asks Redis for one request's decision. {@code answer} gets the decision, or the failure of the call that
     * carried it (Redis unreachable, or slower than the rate-limit timeout), and runs on {@code deliverOn}: the
     * request's event loop, so the rest of the request never runs on Lettuce's single I/O thread.
     *
     * @param slot the batch the request joins: its buckets' shared hash tag
     */
    void take(String slot, List<Bucket> buckets, Executor deliverOn, BiConsumer<Decision, Throwable> answer) {
        batchers.computeIfAbsent(slot, s -> new Batcher()).add(new Pending(buckets, deliverOn, answer));
    }

    /** One request waiting for its decision. */
    private static final class Pending {

        final List<Bucket> buckets;

        final Executor deliverOn;

        final BiConsumer<Decision, Throwable> answer;

        Decision decision;

        Throwable failure;

        Pending(List<Bucket> buckets, Executor deliverOn, BiConsumer<Decision, Throwable> answer) {
            this.buckets = buckets;
            this.deliverOn = deliverOn;
            this.answer = answer;
        }

        void deliver() {
            try {
                answer.accept(decision, failure);
            }
            catch (RuntimeException ex) {
                // One request's failure must not keep the others of its batch from their answers.
                log.error("Rate-limit answer could not be delivered", ex);
            }
        }
    }

    /** The requests of one slot: at most one script call in flight; what arrives meanwhile goes in the next one. */
    private final class Batcher {

        private final Queue<Pending> waiting = new ConcurrentLinkedQueue<>();

        private final AtomicBoolean calling = new AtomicBoolean();

        void add(Pending pending) {
            waiting.add(pending);
            sendIfIdle();
        }

        private void sendIfIdle() {
            while (!waiting.isEmpty() && calling.compareAndSet(false, true)) {
                List<Pending> batch = new ArrayList<>(Math.min(MAX_BATCH, 16));
                Pending next;
                while (batch.size() < MAX_BATCH && (next = waiting.poll()) != null) {
                    batch.add(next);
                }
                if (!batch.isEmpty()) {
                    send(batch);
                    return;
                }
                calling.set(false);
            }
        }

        @SuppressWarnings("unchecked")
        private void send(List<Pending> batch) {
            Map<String, Integer> indexOf = new HashMap<>();
            List<String> keys = new ArrayList<>();
            List<String> rates = new ArrayList<>();
            List<String> requests = new ArrayList<>();
            for (Pending pending : batch) {
                requests.add(Integer.toString(pending.buckets.size()));
                for (Bucket bucket : pending.buckets) {
                    Integer index = indexOf.get(bucket.key());
                    if (index == null) {
                        keys.add(bucket.key());
                        rates.add(Double.toString(bucket.policy().ratePerMilli()));
                        rates.add(Long.toString(bucket.policy().capacity()));
                        index = keys.size();
                        indexOf.put(bucket.key(), index);
                    }
                    requests.add(index.toString());
                }
            }
            rates.addAll(requests);
            // Subscribed here, not by a request: the call answers many requests, and one of them going away must
            // not cancel the others' answers.
            try {
                redis.execute(SCRIPT, keys, rates)
                    .next()
                    .timeout(timeout)
                    .subscribe(result -> answered(batch, (List<Long>) result), ex -> failed(batch, ex),
                            () -> emptyReply(batch));
            }
            catch (RuntimeException ex) {
                failed(batch, ex);
            }
        }

        private void answered(List<Pending> batch, List<Long> result) {
            try {
                if (result.size() != batch.size() * 5) {
                    throw new IllegalStateException("token-bucket script answered " + result.size() + " numbers for "
                            + batch.size() + " requests");
                }
                for (int i = 0; i < batch.size(); i++) {
                    Pending pending = batch.get(i);
                    int at = i * 5;
                    Bucket reported = pending.buckets.get(result.get(at + 1).intValue() - 1);
                    pending.decision = new Decision(result.get(at) == 1L, reported.policy().capacity(),
                            result.get(at + 2), Duration.ofMillis(result.get(at + 3)),
                            Duration.ofMillis(result.get(at + 4)), Decision.Source.REDIS, reported.key());
                }
            }
            catch (RuntimeException ex) {
                failed(batch, ex);
                return;
            }
            next();
            deliver(batch);
        }

        /** Whatever waits behind a failed call would fail the same way: it gets the failure at once, too. */
        private void failed(List<Pending> batch, Throwable ex) {
            List<Pending> all = new ArrayList<>(batch);
            Pending next;
            while ((next = waiting.poll()) != null) {
                all.add(next);
            }
            for (Pending pending : all) {
                pending.decision = null;
                pending.failure = ex;
            }
            next();
            deliver(all);
        }

        private void emptyReply(List<Pending> batch) {
            if (batch.get(0).decision == null && batch.get(0).failure == null) {
                failed(batch, new IllegalStateException("token-bucket script gave no reply"));
            }
        }

        private void next() {
            calling.set(false);
            sendIfIdle();
        }

        /** One task per event loop with all its requests' answers (one wake-up per loop, not one per request). */
        private void deliver(List<Pending> batch) {
            if (batch.size() == 1) {
                Pending only = batch.get(0);
                run(only.deliverOn, only::deliver);
                return;
            }
            Map<Executor, List<Pending>> byLoop = new IdentityHashMap<>();
            for (Pending pending : batch) {
                byLoop.computeIfAbsent(pending.deliverOn, loop -> new ArrayList<>()).add(pending);
            }
            byLoop.forEach((loop, answers) -> run(loop, () -> answers.forEach(Pending::deliver)));
        }

        private static void run(Executor loop, Runnable task) {
            try {
                loop.execute(task);
            }
            catch (RejectedExecutionException ex) {
                task.run(); // the loop is shutting down: answer here rather than leave the request hanging
            }
        }
    }
}
