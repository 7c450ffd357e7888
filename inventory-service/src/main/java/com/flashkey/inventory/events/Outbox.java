package com.flashkey.inventory.events;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.NoTransactionException;
import org.springframework.transaction.reactive.TransactionSynchronization;
import org.springframework.transaction.reactive.TransactionSynchronizationManager;

import com.flashkey.contracts.EventCodec;
import com.flashkey.contracts.EventEnvelope;
import com.flashkey.contracts.OrderEvent;
import com.flashkey.contracts.TopicNames;
import com.flashkey.contracts.loop.WakeUp;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The transactional outbox: append inside the business transaction; the {@link OutboxRelay} publishes, woken by the
 * commit of every append (so a row is published at once, not at the next poll).
 */
@Component
public class Outbox {

    private final DatabaseClient db;
    private final EventCodec codec;
    private final TopicNames topics;
    private final Clock clock;
    private final WakeUp written = new WakeUp();

    public Outbox(DatabaseClient db, EventCodec codec, TopicNames topics, Clock clock) {
        this.db = db;
        this.codec = codec;
        this.topics = topics;
        this.clock = clock;
    }

    /** Appends an event for a topic of {@code Topics}; call inside the transaction of the change it reports. */
    public Mono<Void> append(String topic, OrderEvent event) {
        Instant now = clock.instant();
        byte[] payload = codec.write(EventEnvelope.of(event, now));
        return db.sql("INSERT INTO outbox (topic, msg_key, payload, created_at) VALUES (?, ?, ?, ?)")
                .bind(0, topics.of(topic)).bind(1, event.orderNo()).bind(2, payload).bind(3, now).then()
                .then(afterCommit(() -> written.wake(0)));
    }

    /** Rings for every committed append; the relay connects its loop. */
    WakeUp written() {
        return written;
    }

    record Pending(long id, String topic, String key, byte[] payload) {
    }

    /** The oldest unsent rows, locked for this transaction; another replica's relay skips them. */
    Flux<Pending> claimUnsent(int limit) {
        // LIMIT takes no bind marker here; the value is an int, never input.
        return db.sql("SELECT id, topic, msg_key, payload FROM outbox WHERE sent_at IS NULL ORDER BY id LIMIT " + limit
                        + " FOR UPDATE SKIP LOCKED")
                .map(row -> new Pending(((Number) row.get("id")).longValue(), row.get("topic", String.class),
                        row.get("msg_key", String.class), row.get("payload", byte[].class)))
                .all();
    }

    Mono<Long> markSent(List<Pending> rows) {
        String ids = rows.stream().map(r -> Long.toString(r.id())).collect(Collectors.joining(","));
        return db.sql("UPDATE outbox SET sent_at = ? WHERE id IN (" + ids + ")").bind(0, clock.instant()).fetch()
                .rowsUpdated();
    }

    /** Deletes up to {@code limit} rows sent before {@code before}; unsent rows are never touched. */
    Mono<Long> deleteSentBefore(Instant before, int limit) {
        return db.sql("DELETE FROM outbox WHERE sent_at < ? ORDER BY sent_at LIMIT " + limit).bind(0, before).fetch()
                .rowsUpdated();
    }

    /** Runs {@code action} once the surrounding transaction committed (at once without one). */
    private static Mono<Void> afterCommit(Runnable action) {
        return TransactionSynchronizationManager.forCurrentTransaction()
                .flatMap(sync -> {
                    if (!sync.isSynchronizationActive()) {
                        return Mono.fromRunnable(action);
                    }
                    sync.registerSynchronization(new TransactionSynchronization() {
                        @Override
                        public Mono<Void> afterCommit() {
                            return Mono.fromRunnable(action);
                        }
                    });
                    return Mono.empty();
                })
                .onErrorResume(NoTransactionException.class, ex -> Mono.fromRunnable(action))
                .then();
    }
}
