package com.flashkey.inventory.events;

import java.time.Clock;
import java.time.Instant;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;

import com.flashkey.contracts.EventCodec;
import com.flashkey.contracts.EventEnvelope;
import com.flashkey.contracts.OrderEvent;
import com.flashkey.contracts.TopicNames;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** The transactional outbox: append inside the business transaction; the {@link OutboxRelay} publishes. */
@Component
public class Outbox {

    private final DatabaseClient db;
    private final EventCodec codec;
    private final TopicNames topics;
    private final Clock clock;

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
                .bind(0, topics.of(topic)).bind(1, event.orderNo()).bind(2, payload).bind(3, now).then();
    }

    record Pending(long id, String topic, String key, byte[] payload) {
    }

    Flux<Pending> unsent(int limit) {
        // LIMIT takes no bind marker here; the value is an int, never input.
        return db.sql("SELECT id, topic, msg_key, payload FROM outbox WHERE sent_at IS NULL ORDER BY id LIMIT " + limit)
                .map(row -> new Pending(((Number) row.get("id")).longValue(), row.get("topic", String.class),
                        row.get("msg_key", String.class), row.get("payload", byte[].class)))
                .all();
    }

    Mono<Long> markSent(long id) {
        return db.sql("UPDATE outbox SET sent_at = ? WHERE id = ?").bind(0, clock.instant()).bind(1, id).fetch()
                .rowsUpdated();
    }
}
