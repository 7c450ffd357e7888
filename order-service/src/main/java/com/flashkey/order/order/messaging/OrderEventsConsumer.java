package com.flashkey.order.order.messaging;

import java.time.Duration;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Exceptions;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

import com.flashkey.contracts.AllocationFailed;
import com.flashkey.contracts.Event;
import com.flashkey.contracts.EventCodec;
import com.flashkey.contracts.KeysAllocated;
import com.flashkey.contracts.PaymentSucceeded;
import com.flashkey.contracts.Topics;
import com.flashkey.order.config.OrderProperties;
import com.flashkey.order.order.OrderLifecycle;

/**
 * payment.succeeded, keys.allocated and allocation.failed. Each record is handled by a conditional transition
 * (idempotent), retried with backoff while it fails (e.g. the order's row has not landed yet), and dead-lettered
 * after {@code events.retry-attempts} so one bad record never blocks its partition. A payment is never only
 * dead-lettered for want of its order: once the wait is over it is kept as an unmatched payment.
 */
@Component
class OrderEventsConsumer {

    private static final Logger log = LoggerFactory.getLogger(OrderEventsConsumer.class);

    private final OrderLifecycle lifecycle;
    private final EventCodec codec;
    private final DeadLetters deadLetters;
    private final OrderProperties.Events config;

    OrderEventsConsumer(OrderLifecycle lifecycle, EventCodec codec, DeadLetters deadLetters, OrderProperties properties) {
        this.lifecycle = lifecycle;
        this.codec = codec;
        this.deadLetters = deadLetters;
        this.config = properties.events();
    }

    @KafkaListener(id = "order-events", idIsGroup = false, topics = {
            "${flashkey.kafka.topic-prefix:}" + Topics.PAYMENT_SUCCEEDED,
            "${flashkey.kafka.topic-prefix:}" + Topics.KEYS_ALLOCATED,
            "${flashkey.kafka.topic-prefix:}" + Topics.ALLOCATION_FAILED })
    Mono<Void> onEvent(ConsumerRecord<String, byte[]> record) {
        Event event;
        try {
            event = codec.read(record.value()).data();
        }
        catch (EventCodec.MalformedEventException ex) {
            return deadLetters.send(record, ex);
        }
        return Mono.defer(() -> handle(event))
                .doOnNext(outcome -> log.debug("{} of {}: {}", event.eventType(), record.key(), outcome))
                .retryWhen(Retry.backoff(config.retryAttempts(), config.retryBackoff()).maxBackoff(Duration.ofSeconds(5))
                        .filter(ex -> !(ex instanceof IllegalArgumentException)))
                .onErrorResume(ex -> afterTheWait(event, ex))
                .then()
                .onErrorResume(ex -> deadLetters.send(record, ex));
    }

    /**
     * A payment whose order row never landed within the retries is kept as unmatched rather than dead-lettered: it
     * was acknowledged to the provider, so an operator must see it. Anything else still fails (to the DLT).
     */
    private Mono<OrderLifecycle.Outcome> afterTheWait(Event event, Throwable ex) {
        Throwable cause = Exceptions.isRetryExhausted(ex) && ex.getCause() != null ? ex.getCause() : ex;
        if (event instanceof PaymentSucceeded payment && cause instanceof OrderLifecycle.OrderNotStoredException) {
            return lifecycle.onPaymentForMissingOrder(payment);
        }
        return Mono.error(ex);
    }

    private Mono<OrderLifecycle.Outcome> handle(Event event) {
        if (event instanceof PaymentSucceeded payment) {
            return lifecycle.onPaymentSucceeded(payment);
        }
        if (event instanceof KeysAllocated allocated) {
            return lifecycle.onKeysAllocated(allocated);
        }
        if (event instanceof AllocationFailed failed) {
            return lifecycle.onAllocationFailed(failed);
        }
        return Mono.error(new IllegalArgumentException("unexpected event " + event.eventType()));
    }
}
