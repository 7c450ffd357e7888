package com.flashkey.notification.delivery.messaging;

import java.time.Clock;
import java.time.Duration;

import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

import com.flashkey.contracts.Event;
import com.flashkey.contracts.EventCodec;
import com.flashkey.contracts.EventEnvelope;
import com.flashkey.contracts.NotificationFailed;
import com.flashkey.contracts.OrderDelivered;
import com.flashkey.contracts.TopicNames;
import com.flashkey.contracts.Topics;
import com.flashkey.notification.delivery.DeliveryEvents;

import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** Publishes delivery outcomes to Kafka: value = the event envelope's JSON, key = the order number. */
@Component
class KafkaDeliveryEvents implements DeliveryEvents {

    // Above the producer's delivery.timeout.ms (10 s), so the producer reports its own failure first.
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(15);

    private final KafkaTemplate<String, byte[]> kafka;
    private final EventCodec codec;
    private final TopicNames topics;
    private final Clock clock;

    KafkaDeliveryEvents(KafkaTemplate<String, byte[]> kafka, EventCodec codec, TopicNames topics, Clock clock) {
        this.kafka = kafka;
        this.codec = codec;
        this.topics = topics;
        this.clock = clock;
    }

    @Override
    public Mono<Void> delivered(String orderNo, String channel) {
        return publish(Topics.ORDER_DELIVERED, new OrderDelivered(orderNo, channel, clock.instant()));
    }

    @Override
    public Mono<Void> failed(String orderNo, String channel, String reason, int attempts) {
        return publish(Topics.NOTIFICATION_FAILED, new NotificationFailed(orderNo, channel, reason, attempts, clock.instant()));
    }

    private Mono<Void> publish(String topic, Event event) {
        EventEnvelope<Event> envelope = EventEnvelope.of(event, clock.instant());
        // send() itself may block (metadata, full buffer; bounded by max.block.ms): keep it off R2DBC/Netty threads.
        return Mono.fromFuture(() -> kafka.send(topics.of(topic), envelope.key(), codec.write(envelope)))
                .subscribeOn(Schedulers.boundedElastic())
                .timeout(SEND_TIMEOUT)
                .then();
    }
}
