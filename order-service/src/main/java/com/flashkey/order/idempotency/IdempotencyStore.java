package com.flashkey.order.idempotency;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;

import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Component;

import com.flashkey.order.config.FlashkeyProperties;
import com.flashkey.order.config.OrderProperties;

/**
 * Runs an action at most once per Idempotency-Key and replays its answer.
 * <ol>
 * <li>{@code SET key {fingerprint, pending} NX PX lease} claims the key atomically (insert first, then act; never
 * check-then-insert). Exactly one request wins.</li>
 * <li>The winner runs the action, stores the final answer (kept for {@code idempotency-ttl}) and answers it. If the
 * action fails with an error that must not be replayed (an outage), the claim is deleted so the client may
 * retry.</li>
 * <li>A loser compares fingerprints (different body: {@link IdempotencyMismatchException}), then replays the stored
 * answer, waiting up to {@code idempotency-wait} while the winner is still running.</li>
 * </ol>
 * A winner that dies mid-way leaves a pending claim that lapses after {@code idempotency-lease}.
 * <p>
 * An answer known before anything is done (a refusal decided from local state) needs no claim:
 * {@link #answerOnce} writes it as the final answer with {@code SET NX} in one round trip; losing that race means
 * the key is taken, and the replay path applies.
 */
@Component
public class IdempotencyStore {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(IdempotencyStore.class);

    /** Deletes the claim only if it is still ours (the lease may have passed to another request). */
    private static final RedisScript<Long> RELEASE = RedisScript.of(
            "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end",
            Long.class);

    private static final Duration POLL = Duration.ofMillis(20);

    private final ReactiveStringRedisTemplate redis;
    private final JsonMapper json;
    private final String prefix;
    private final Duration ttl;
    private final Duration lease;
    private final Duration wait;

    IdempotencyStore(ReactiveStringRedisTemplate redis, JsonMapper json, FlashkeyProperties flashkey,
            OrderProperties properties) {
        this.redis = redis;
        this.json = json;
        this.prefix = flashkey.redis().keyPrefix() + "order:idem:";
        this.ttl = properties.idempotencyTtl();
        this.lease = properties.idempotencyLease();
        this.wait = properties.idempotencyWait();
    }

    /** A stable fingerprint of a request body's meaningful fields. */
    public static String fingerprint(String... parts) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (String part : parts) {
                sha.update(part.getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0);
            }
            return HexFormat.of().formatHex(sha.digest());
        }
        catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException(ex);
        }
    }

    /**
     * Runs {@code action} once per key and answers its result; replays (read back as {@code type}) and waits as
     * described above. The action reports business refusals inside its answer (they are kept and replayed); an error
     * it signals is an outage: the claim is released and the error propagates.
     */
    public <T> Mono<T> once(String key, String fingerprint, Class<T> type, Supplier<Mono<T>> action) {
        return onceWith(key, fingerprint, type, () -> Mono.defer(action).map(answer -> new Answered<>(answer, null)));
    }

    /**
     * As {@link #once}, for an action whose answer comes with another Redis write (a copy for lookups): that write
     * goes out together with the answer, so both cost one round trip, and the answer waits for both.
     */
    public <T> Mono<T> onceWith(String key, String fingerprint, Class<T> type, Supplier<Mono<Answered<T>>> action) {
        String redisKey = prefix + key;
        String claim = json.writeValueAsString(new Entry(fingerprint, null, UUID.randomUUID().toString()));
        // No hop off Lettuce's I/O thread here: what follows is a few microseconds of work before the next remote
        // call (the reservation batch, Kafka), and a hop per order costs more than it spares that thread.
        return redis.opsForValue().setIfAbsent(redisKey, claim, lease)
                .switchIfEmpty(Mono.error(IdempotencyStore::noAnswer))
                .flatMap(won -> {
                    if (Boolean.TRUE.equals(won)) {
                        // Shielded from cancellation: a client that hangs up must not stop an order between its
                        // reservation and its event. The work completes, its answer is kept, a retry replays it.
                        return Mono.fromFuture(claimed(redisKey, fingerprint, claim, action).toFuture(), true);
                    }
                    return replay(redisKey, fingerprint).map(raw -> json.readValue(raw, type));
                });
    }

    /**
     * Keeps {@code answer} as the key's final answer if the key is new, in one round trip
     * ({@code SET key {fingerprint, answer} NX PX ttl}), and answers it; if the key is taken, replays as
     * {@link #once} does (same body: the stored answer, waiting while it is pending; another body: 422).
     */
    public <T> Mono<T> answerOnce(String key, String fingerprint, Class<T> type, T answer) {
        String redisKey = prefix + key;
        String entry = json.writeValueAsString(new Entry(fingerprint, json.writeValueAsString(answer), null));
        return redis.opsForValue().setIfAbsent(redisKey, entry, ttl).switchIfEmpty(Mono.error(IdempotencyStore::noAnswer))
                .flatMap(won -> Boolean.TRUE.equals(won)
                ? Mono.just(answer) : replay(redisKey, fingerprint).map(raw -> json.readValue(raw, type)));
    }

    private <T> Mono<T> claimed(String redisKey, String fingerprint, String claim,
            Supplier<Mono<Answered<T>>> action) {
        return Mono.defer(action)
                .switchIfEmpty(Mono.error(IdempotencyStore::noAnswer))
                // An outage: forget the claim so the client's retry with this key runs again.
                .onErrorResume(ex -> redis.execute(RELEASE, List.of(redisKey), List.of(claim))
                        .onErrorResume(releaseFailed -> Mono.empty()).then(Mono.error(ex)))
                // The winner answers its own result; only a replay reads the stored copy back.
                .flatMap(answered -> {
                    T answer = answered.answer();
                    Mono<Void> stored = redis.opsForValue()
                            .set(redisKey, json.writeValueAsString(new Entry(fingerprint,
                                    json.writeValueAsString(answer), null)), ttl)
                            .then()
                            // The action's effect is done (e.g. the order is placed): answer it even if Redis
                            // could not keep it; a replay then waits out the lease instead of acting twice.
                            .onErrorResume(ex -> {
                                log.warn("answer for an Idempotency-Key not stored: {}", ex.toString());
                                return Mono.empty();
                            });
                    // Both commands are written at once on the shared connection (pipelined): one round trip.
                    return (answered.alongside() == null ? stored : Mono.when(stored, answered.alongside()))
                            .thenReturn(answer);
                });
    }

    /**
     * A remote call that completed without a value (Redis reconnecting after a restart, say): an outage for the
     * client to retry with its key (503), never an empty answer, which WebFlux would send as a 200 without a body.
     */
    private static DataAccessResourceFailureException noAnswer() {
        return new DataAccessResourceFailureException("no answer while placing an order; retry with the same key");
    }

    private Mono<String> replay(String redisKey, String fingerprint) {
        return redis.opsForValue().get(redisKey).map(raw -> json.readValue(raw, Entry.class)).flatMap(entry -> {
            if (!entry.fingerprint().equals(fingerprint)) {
                return Mono.error(new IdempotencyMismatchException());
            }
            return entry.answer() != null ? Mono.just(entry.answer()) : Mono.error(new StillPending());
        })
                // The claim vanished (the first request failed and released it, or its lease lapsed).
                .switchIfEmpty(Mono.error(new RequestInProgressException()))
                .retryWhen(Retry.fixedDelay(Math.max(1, wait.toMillis() / POLL.toMillis()), POLL)
                        .filter(StillPending.class::isInstance)
                        .onRetryExhaustedThrow((spec, signal) -> new RequestInProgressException()));
    }

    /**
     * An action's answer, and a Redis write that goes out with it (null for none); the write handles its own
     * failure.
     */
    public record Answered<T>(T answer, Mono<Void> alongside) {
    }

    /**
     * What Redis holds under a key.
     *
     * @param fingerprint the request that claimed the key
     * @param answer      the final answer; null while the first request runs
     * @param claimId     unique per claim, so only the claimant releases it
     */
    record Entry(String fingerprint, String answer, String claimId) {
    }

    private static final class StillPending extends RuntimeException {

        StillPending() {
            super(null, null, false, false);
        }
    }
}
