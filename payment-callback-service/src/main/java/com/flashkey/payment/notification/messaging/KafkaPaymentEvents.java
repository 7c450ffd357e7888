package com.flashkey.payment.notification.messaging;

import java.time.Clock;

import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

import com.flashkey.contracts.EventCodec;
import com.flashkey.contracts.EventEnvelope;
import com.flashkey.contracts.PaymentSucceeded;
import com.flashkey.contracts.TopicNames;
import com.flashkey.contracts.Topics;
import com.flashkey.payment.notification.PaymentEvents;
import com.flashkey.payment.notification.PaymentNotification;

import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** payment.succeeded on Kafka, keyed by order number; idempotent producer, acks=all (application.yml). */
@Component
class KafkaPaymentEvents implements PaymentEvents {

    private final KafkaTemplate<String, byte[]> kafka;
    private final EventCodec codec;
    private final String topic;
    private final Clock clock;

    KafkaPaymentEvents(KafkaTemplate<String, byte[]> kafka, EventCodec codec, TopicNames topics, Clock clock) {
        this.kafka = kafka;
        this.codec = codec;
        this.topic = topics.of(Topics.PAYMENT_SUCCEEDED);
        this.clock = clock;
    }

    @Override
    public Mono<Void> publishPaymentSucceeded(PaymentNotification notification) {
        PaymentSucceeded event = notification.toEvent();
        // The envelope id derives from the provider event id: a republished copy has the same id.
        var envelope = new EventEnvelope<>(notification.eventId(), event.eventType(), event.eventVersion(),
                clock.instant(), event.orderNo(), event);
        byte[] value = codec.write(envelope);
        // KafkaProducer.send() blocks while it waits for metadata or buffer space (max.block.ms), e.g. when the
        // broker is down, so it is called off the event loop. Many sends are in flight at once (one per waiting
        // callback); the idempotent producer batches them (linger.ms) and keeps their order per partition.
        // The acknowledgement arrives on the producer's single network thread: the caller's remaining work (audit,
        // metrics, the HTTP answer) moves to the parallel scheduler so that thread goes back to sending at once.
        return Mono.fromFuture(() -> kafka.send(topic, envelope.key(), value))
                .subscribeOn(Schedulers.boundedElastic())
                .publishOn(Schedulers.parallel())
                .then();
    }
}
