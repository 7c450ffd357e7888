package com.flashkey.payment.notification;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import reactor.core.publisher.Mono;

/**
 * The audit trail of every webhook attempt, valid or not. Entries carry the outcome, ids and a SHA-256 of the body,
 * never a secret or a signature. They are written in batches (one multi-row insert every 200 ms) so auditing
 * costs the request path no database round trip; the payment itself is recorded synchronously before the answer.
 * Entries that cannot be written after three tries are logged instead, so none disappears silently.
 */
@Component
public class WebhookAudit {

    private static final Logger log = LoggerFactory.getLogger(WebhookAudit.class);
    private static final int MAX_QUEUED = 100_000;
    private static final int BATCH = 500;
    private static final int MAX_TRIES = 3;

    private final DatabaseClient db;
    private final Queue<Entry> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final Counter overflow;
    private List<Entry> failedBatch = List.of();
    private int failedTries;

    WebhookAudit(DatabaseClient db, MeterRegistry registry) {
        this.db = db;
        this.overflow = Counter.builder("flashkey.payment.audit.overflow")
                .description("Audit entries logged instead of stored because the queue was full").register(registry);
    }

    /**
     * One webhook attempt.
     *
     * @param outcome ACCEPTED, DUPLICATE, REPUBLISHED, IGNORED, BAD_SIGNATURE, INVALID, TOO_LARGE, UNAVAILABLE,
     *                UNKNOWN_PROVIDER
     */
    public record Entry(String provider, Instant receivedAt, String outcome, String providerEventId, String orderNo,
            String bodySha256, int bodyBytes, String remoteAddress, String detail) {
    }

    public void record(Entry entry) {
        if (queued.incrementAndGet() > MAX_QUEUED) {
            queued.decrementAndGet();
            overflow.increment();
            log.warn("webhook audit queue full; attempt provider={} outcome={} event={} order={} body-sha256={}",
                    entry.provider(), entry.outcome(), entry.providerEventId(), entry.orderNo(), entry.bodySha256());
            return;
        }
        queue.add(entry);
    }

    public static String sha256(byte[] body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
        }
        catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException("SHA-256 unavailable", ex);
        }
    }

    /** Writes what is queued; the scheduler waits for the returned Mono before the next pass. */
    @Scheduled(fixedDelay = 200)
    public Mono<Void> flush() {
        return Mono.defer(() -> {
            List<Entry> batch = failedBatch.isEmpty() ? drain() : failedBatch;
            if (batch.isEmpty()) {
                return Mono.empty();
            }
            return insert(batch)
                    .doOnSuccess(v -> {
                        failedBatch = List.of();
                        failedTries = 0;
                    })
                    .onErrorResume(ex -> {
                        if (++failedTries >= MAX_TRIES) {
                            batch.forEach(e -> log.warn("webhook audit not stored ({}): provider={} outcome={} event={} "
                                    + "order={} body-sha256={} detail={}", ex.getClass().getSimpleName(),
                                    e.provider(), e.outcome(), e.providerEventId(), e.orderNo(), e.bodySha256(),
                                    e.detail()));
                            failedBatch = List.of();
                            failedTries = 0;
                        }
                        else {
                            failedBatch = batch;
                        }
                        return Mono.empty();
                    })
                    .then(Mono.defer(() -> queue.isEmpty() ? Mono.empty() : flush()));
        });
    }

    private List<Entry> drain() {
        List<Entry> batch = new ArrayList<>(Math.min(BATCH, queued.get()));
        Entry e;
        while (batch.size() < BATCH && (e = queue.poll()) != null) {
            batch.add(e);
            queued.decrementAndGet();
        }
        return batch;
    }

    private Mono<Void> insert(List<Entry> batch) {
        StringBuilder sql = new StringBuilder("INSERT INTO webhook_attempts (provider, received_at, outcome, "
                + "provider_event_id, order_no, body_sha256, body_bytes, remote_address, detail) VALUES ");
        for (int i = 0; i < batch.size(); i++) {
            sql.append(i == 0 ? "" : ",").append("(:p").append(i).append(",:r").append(i).append(",:o").append(i)
                    .append(",:e").append(i).append(",:n").append(i).append(",:h").append(i).append(",:b").append(i)
                    .append(",:a").append(i).append(",:d").append(i).append(')');
        }
        DatabaseClient.GenericExecuteSpec spec = db.sql(sql.toString());
        for (int i = 0; i < batch.size(); i++) {
            Entry e = batch.get(i);
            spec = spec.bind("p" + i, truncate(e.provider(), 32)).bind("r" + i, e.receivedAt())
                    .bind("o" + i, e.outcome()).bind("b" + i, e.bodyBytes());
            spec = bindNullable(spec, "e" + i, truncate(e.providerEventId(), 64));
            spec = bindNullable(spec, "n" + i, truncate(e.orderNo(), 40));
            spec = bindNullable(spec, "h" + i, e.bodySha256());
            spec = bindNullable(spec, "a" + i, truncate(e.remoteAddress(), 64));
            spec = bindNullable(spec, "d" + i, truncate(e.detail(), 255));
        }
        return spec.fetch().rowsUpdated().then();
    }

    private static DatabaseClient.GenericExecuteSpec bindNullable(DatabaseClient.GenericExecuteSpec spec, String name,
            String value) {
        return value == null ? spec.bindNull(name, String.class) : spec.bind(name, value);
    }

    private static String truncate(String value, int max) {
        if (value == null || value.length() <= max) {
            return value;
        }
        // Attacker-controlled values may be long; the audit keeps a bounded prefix.
        return value.substring(0, max);
    }
}
