package com.flashkey.payment.notification;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;

import com.flashkey.contracts.loop.PeriodicLoop;
import com.flashkey.payment.config.PaymentProperties;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.r2dbc.spi.Statement;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The audit trail of every webhook attempt, valid or not. Entries carry the outcome, ids and a SHA-256 of the body,
 * never a secret or a signature. They are written behind, in batches (one multi-row insert at most every 200 ms while
 * attempts come in, nothing while none do), so auditing costs the request path no database round trip; the
 * payment itself is recorded synchronously before the answer. Entries that cannot be written after three tries are
 * logged instead, so none disappears silently.
 */
@Component
public class WebhookAudit implements SmartLifecycle {

    /** The write-behind queues start before the web server takes traffic and stop after it stopped. */
    static final int WRITE_BEHIND_PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

    private static final Logger log = LoggerFactory.getLogger(WebhookAudit.class);
    private static final int MAX_QUEUED = 100_000;
    private static final int BATCH = 500;
    private static final int MAX_TRIES = 3;
    /** Retention runs a minute after start and while it finds rows, then backs off to an hour. */
    static final Duration RETENTION_POLL = Duration.ofMinutes(1);
    static final int PURGE_BATCH = 1000;
    private static final Duration WRITE_BEHIND = Duration.ofMillis(200);
    private static final HexFormat HEX = HexFormat.of();
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        }
        catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException("SHA-256 unavailable", ex);
        }
    });

    private final DatabaseClient db;
    private final Queue<Entry> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final Counter overflow;
    private final PeriodicLoop loop;
    private final PeriodicLoop retention;
    private final Duration keep;
    private final Clock clock;
    private List<Entry> failedBatch = List.of();
    private int failedTries;

    WebhookAudit(DatabaseClient db, MeterRegistry registry, PaymentProperties properties, Clock clock) {
        this.db = db;
        this.keep = properties.auditRetention();
        this.clock = clock;
        this.retention = new PeriodicLoop(PeriodicLoop.Pace.polling(RETENTION_POLL, RETENTION_POLL.multipliedBy(60)),
                this::purge, ex -> log.warn("webhook audit retention failed, will retry: {}", ex.toString()));
        this.overflow = Counter.builder("flashkey.payment.audit.overflow")
                .description("Audit entries logged instead of stored because the queue was full").register(registry);
        this.loop = new PeriodicLoop(PeriodicLoop.Pace.onDemand(WRITE_BEHIND, Duration.ofSeconds(2)), this::write,
                ex -> log.warn("webhook audit write failed, retrying: {}", ex.toString()));
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
        loop.wakeWithin(WRITE_BEHIND);
    }

    /** Deletes attempts older than {@code audit-retention}, {@link #PURGE_BATCH} per statement; answers how many. */
    Mono<Long> purge() {
        LocalDateTime before = LocalDateTime.ofInstant(clock.instant().minus(keep), ZoneOffset.UTC);
        return PeriodicLoop.drain(PURGE_BATCH, () -> db
                .sql("DELETE FROM webhook_attempts WHERE received_at < ? ORDER BY received_at LIMIT " + PURGE_BATCH)
                .bind(0, before).fetch().rowsUpdated());
    }

    public static String sha256(byte[] body) {
        return HEX.formatHex(SHA256.get().digest(body));
    }

    /** Writes what is queued; never fails (what cannot be written is retried, then logged). */
    public Mono<Void> flush() {
        return write().onErrorResume(ex -> Mono.empty()).then();
    }

    /**
     * Writes what is queued, until the queue is empty; emits how many entries were stored. A failed insert fails the
     * pass (the loop retries it after its back-off) until its third try, when its entries are logged instead.
     */
    private Mono<Long> write() {
        return Mono.defer(() -> {
            List<Entry> batch = failedBatch.isEmpty() ? drain() : failedBatch;
            if (batch.isEmpty()) {
                return Mono.just(0L);
            }
            return insert(batch)
                    .doOnSuccess(v -> {
                        failedBatch = List.of();
                        failedTries = 0;
                    })
                    .thenReturn((long) batch.size())
                    .onErrorResume(ex -> {
                        if (++failedTries >= MAX_TRIES) {
                            batch.forEach(e -> log.warn("webhook audit not stored ({}): provider={} outcome={} event={} "
                                    + "order={} body-sha256={} detail={}", ex.getClass().getSimpleName(),
                                    e.provider(), e.outcome(), e.providerEventId(), e.orderNo(), e.bodySha256(),
                                    e.detail()));
                            failedBatch = List.of();
                            failedTries = 0;
                            return Mono.just(0L);
                        }
                        failedBatch = batch;
                        return Mono.error(ex);
                    })
                    .flatMap(stored -> queue.isEmpty() ? Mono.just(stored) : write().map(more -> more + stored));
        });
    }

    private List<Entry> drain() {
        List<Entry> batch = new ArrayList<>(Math.min(BATCH, Math.max(1, queued.get())));
        Entry e;
        while (batch.size() < BATCH && (e = queue.poll()) != null) {
            batch.add(e);
            queued.decrementAndGet();
        }
        return batch;
    }

    private Mono<Void> insert(List<Entry> batch) {
        // Positional binds on the statement: named ones made the client parse and expand a 4,500-marker statement.
        StringBuilder sql = new StringBuilder(160 + 20 * batch.size()).append("INSERT INTO webhook_attempts (provider, "
                + "received_at, outcome, provider_event_id, order_no, body_sha256, body_bytes, remote_address, detail) "
                + "VALUES ");
        for (int i = 0; i < batch.size(); i++) {
            sql.append(i == 0 ? "" : ",").append("(?,?,?,?,?,?,?,?,?)");
        }
        return db.inConnection(connection -> {
            Statement statement = connection.createStatement(sql.toString());
            int p = 0;
            for (Entry e : batch) {
                statement.bind(p++, truncate(e.provider(), 32)).bind(p++, e.receivedAt()).bind(p++, e.outcome());
                bindNullable(statement, p++, truncate(e.providerEventId(), 64));
                bindNullable(statement, p++, truncate(e.orderNo(), 40));
                bindNullable(statement, p++, e.bodySha256());
                statement.bind(p++, e.bodyBytes());
                bindNullable(statement, p++, truncate(e.remoteAddress(), 64));
                bindNullable(statement, p++, truncate(e.detail(), 255));
            }
            return Flux.from(statement.execute()).concatMap(result -> result.getRowsUpdated()).then();
        });
    }

    private static void bindNullable(Statement statement, int index, String value) {
        if (value == null) {
            statement.bindNull(index, String.class);
        }
        else {
            statement.bind(index, value);
        }
    }

    private static String truncate(String value, int max) {
        if (value == null || value.length() <= max) {
            return value;
        }
        // Attacker-controlled values may be long; the audit keeps a bounded prefix.
        return value.substring(0, max);
    }

    @Override
    public void start() {
        loop.start();
        retention.start();
    }

    @Override
    public void stop(Runnable callback) {
        retention.stop();
        loop.stop();
        // The last attempts before shutdown are stored too, not left in memory.
        flush().timeout(Duration.ofSeconds(5)).onErrorResume(ex -> Mono.empty())
                .doFinally(signal -> callback.run()).subscribe();
    }

    @Override
    public void stop() {
        stop(() -> { });
    }

    @Override
    public boolean isRunning() {
        return loop.isRunning();
    }

    @Override
    public int getPhase() {
        return WRITE_BEHIND_PHASE;
    }
}
