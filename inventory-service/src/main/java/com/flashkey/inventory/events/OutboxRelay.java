package com.flashkey.inventory.events;

import java.time.Duration;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

import com.flashkey.inventory.config.InventoryProperties;

import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Publishes outbox rows in id order and marks each sent once Kafka acknowledged it (acks=all, idempotent producer).
 * At-least-once: a crash between the ack and the mark publishes a row again, which consumers de-duplicate.
 */
@Component
public class OutboxRelay implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(10);

    private final Outbox outbox;
    private final KafkaTemplate<String, byte[]> kafka;
    private final InventoryProperties properties;
    private volatile Disposable ticker;

    public OutboxRelay(Outbox outbox, KafkaTemplate<String, byte[]> kafka, InventoryProperties properties) {
        this.outbox = outbox;
        this.kafka = kafka;
        this.properties = properties;
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
    public void start() {
        ticker = Flux.interval(properties.outboxInterval()).onBackpressureDrop()
                .concatMap(tick -> publishPending().onErrorResume(ex -> {
                    log.warn("outbox relay could not publish: {}", ex.toString());
                    return Mono.empty();
                }), 1)
                .subscribe();
    }

    @Override
    public void stop() {
        Disposable t = ticker;
        if (t != null) {
            t.dispose();
        }
    }

    @Override
    public boolean isRunning() {
        Disposable t = ticker;
        return t != null && !t.isDisposed();
    }
}
