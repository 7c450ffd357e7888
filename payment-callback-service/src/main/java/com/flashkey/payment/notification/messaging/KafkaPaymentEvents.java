package com.flashkey.payment.notification.messaging;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;

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
    public Mono<List<Throwable>> publishAll(List<PaymentNotification> notifications, Duration timeout) {
        // KafkaProducer.send() blocks while it waits for metadata or buffer space (max.block.ms), e.g. when the
        // broker is down, so a batch's sends are made off the event loop, in one task (one thread hop per batch,
        // not per callback). The idempotent producer batches them (linger.ms) and keeps their order per partition.
        // The acknowledgements arrive on the producer's single network thread: the batch's remaining work (marks,
        // audit, metrics, the HTTP answers) moves to the parallel scheduler, once, so that thread goes back to
        // sending at once.
        return Mono.fromCallable(() -> send(notifications))
                .subscribeOn(Schedulers.boundedElastic())
                .flatMap(sends -> Mono.fromFuture(CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new))
                                .handle((ignored, ex) -> Boolean.TRUE), true)
                        .timeout(timeout, Mono.just(Boolean.FALSE))
                        .map(ignored -> outcomes(sends, timeout)))
                .publishOn(Schedulers.parallel());
    }

    private List<CompletableFuture<?>> send(List<PaymentNotification> notifications) {
        List<CompletableFuture<?>> sends = new ArrayList<>(notifications.size());
        Throwable stuck = null;
        for (PaymentNotification notification : notifications) {
            if (stuck != null) {
                // The producer could not take the previous one (no metadata or buffer within max.block.ms): the
                // others would each wait as long again.
                sends.add(CompletableFuture.failedFuture(stuck));
                continue;
            }
            CompletableFuture<?> sent;
            try {
                sent = kafka.send(topic, notification.orderNo(), value(notification));
            }
            catch (RuntimeException ex) {
                sent = CompletableFuture.failedFuture(ex);
            }
            if (sent.isCompletedExceptionally()) {
                stuck = cause(sent);
            }
            sends.add(sent);
        }
        return sends;
    }

    private byte[] value(PaymentNotification notification) {
        PaymentSucceeded event = notification.toEvent();
        // The envelope id derives from the provider event id: a republished copy has the same id.
        var envelope = new EventEnvelope<>(notification.eventId(), event.eventType(), event.eventVersion(),
                clock.instant(), event.orderNo(), event);
        return codec.write(envelope);
    }

    private static List<Throwable> outcomes(List<CompletableFuture<?>> sends, Duration timeout) {
        List<Throwable> outcomes = new ArrayList<>(sends.size());
        for (CompletableFuture<?> sent : sends) {
            if (!sent.isDone()) {
                // Not acknowledged in time. It may still be delivered: the caller answers 503, the provider retries,
                // and consumers drop the second copy by its event id.
                outcomes.add(new TimeoutException("no acknowledgement within " + timeout));
            }
            else {
                outcomes.add(sent.isCompletedExceptionally() ? cause(sent) : null);
            }
        }
        return outcomes;
    }

    private static Throwable cause(CompletableFuture<?> failed) {
        try {
            failed.join();
            return new IllegalStateException("not failed");
        }
        catch (CompletionException ex) {
            return ex.getCause() == null ? ex : ex.getCause();
        }
        catch (RuntimeException ex) {
            return ex;
        }
    }
}
