package com.flashkey.inventory.events;

import java.time.Duration;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

import com.flashkey.inventory.config.InventoryProperties;
import com.flashkey.inventory.config.PeriodicTask;

import reactor.core.publisher.Mono;

/**
 * Publishes outbox rows in id order and marks each sent once Kafka acknowledged it (acks=all, idempotent producer).
 * At-least-once: a crash between the ack and the mark publishes a row again, which consumers de-duplicate.
 */
@Component
public class OutboxRelay extends PeriodicTask {

    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(10);

    private final Outbox outbox;
    private final KafkaTemplate<String, byte[]> kafka;

    public OutboxRelay(Outbox outbox, KafkaTemplate<String, byte[]> kafka, InventoryProperties properties) {
        super(properties.outboxInterval(), "outbox relay could not publish");
        this.outbox = outbox;
        this.kafka = kafka;
    }

    /** Publishes what is pending now; completes with the number of rows sent. */
    public Mono<Long> publishPending() {
        return outbox.unsent(200)
                .concatMap(row -> Mono.fromFuture(() -> kafka.send(new ProducerRecord<>(row.topic(), row.key(), row.payload())))
                        .timeout(SEND_TIMEOUT)
                        .then(outbox.markSent(row.id())))
                .count();
    }

    @Override
    protected Mono<?> runOnce() {
        return publishPending();
    }
}
