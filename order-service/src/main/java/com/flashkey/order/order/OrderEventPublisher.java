package com.flashkey.order.order;

import java.time.Clock;
import java.time.Duration;

import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

import com.flashkey.contracts.EventCodec;
import com.flashkey.contracts.EventEnvelope;
import com.flashkey.contracts.OrderEvent;
import com.flashkey.contracts.TopicNames;
import com.flashkey.order.config.OrderProperties;

/**
 * Publishes events (idempotent producer, acks=all, both in application.yml) and completes only once Kafka has
 * acknowledged them. The wait is bounded by the producer's delivery.timeout.ms, so a failure is definitive: the
 * record was not written.
 */
@Component
public class OrderEventPublisher implements SmartInitializingSingleton {

    private static final Logger log = LoggerFactory.getLogger(OrderEventPublisher.class);

    private final KafkaTemplate<String, byte[]> kafka;
    private final TopicNames topics;
    private final EventCodec codec;
    private final Clock clock;
    private final Duration timeout;

    OrderEventPublisher(KafkaTemplate<String, byte[]> kafka, TopicNames topics, EventCodec codec, Clock clock,
            OrderProperties properties) {
        this.kafka = kafka;
        this.topics = topics;
        this.codec = codec;
        this.clock = clock;
        this.timeout = properties.kafkaSendTimeout();
    }

    /**
     * Creates the producer and fetches order.placed's metadata at start-up, so the first order request does not
     * pay for it on an event loop. A broker that is down now is not fatal: requests answer 503 until it is back.
     */
    @Override
    public void afterSingletonsInstantiated() {
        try {
            kafka.partitionsFor(topics.of(com.flashkey.contracts.Topics.ORDER_PLACED));
        }
        catch (RuntimeException ex) {
            log.warn("Kafka not reachable at start-up: {}", ex.toString());
        }
    }

    /** Publishes an event to one of the {@link com.flashkey.contracts.Topics}, keyed by its order number. */
    public Mono<Void> publish(String topic, OrderEvent event) {
        return Mono.defer(() -> send(topics.of(topic), event.orderNo(), envelope(event)));
    }

    /** The bytes of a fresh envelope around {@code event} (its id is the consumers' dedupe key). */
    public byte[] envelope(OrderEvent event) {
        return codec.write(EventEnvelope.of(event, clock.instant()));
    }

    /** The event as an outbox row: the envelope (and its id) fixed now, published later by the relay. */
    public OrderStore.OutboxEvent outboxEvent(String topic, OrderEvent event) {
        return outboxEvent(topic, event.orderNo(), event);
    }

    /** As {@link #outboxEvent(String, OrderEvent)}, keyed by {@code key} (an event whose order number is not one). */
    public OrderStore.OutboxEvent outboxEvent(String topic, String key, OrderEvent event) {
        EventEnvelope<OrderEvent> envelope = EventEnvelope.of(event, clock.instant());
        return new OrderStore.OutboxEvent(envelope.id(), topic, key, codec.write(envelope), envelope.occurredAt());
    }

    /** Publishes prepared bytes to a deployed topic name (outbox relay, dead letters). */
    public Mono<Void> send(String deployedTopic, String key, byte[] payload) {
        return Mono.defer(() -> Mono.fromFuture(kafka.send(new ProducerRecord<>(deployedTopic, key, payload))))
                // The future completes on the producer's single I/O thread: continue elsewhere, or every request's
                // remaining work would queue behind (and delay) the acknowledgements of all the others.
                .publishOn(Schedulers.parallel())
                .timeout(timeout).then();
    }
}
