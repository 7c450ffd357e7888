package com.flashkey.payment.notification;

import java.time.Clock;
import java.time.Instant;

import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.stereotype.Service;

import com.flashkey.payment.config.PaymentProperties;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Records a payment notification once and publishes it. Insert first: the unique key on (provider, provider event
 * id) decides which copy is the first. Copies arriving together are inserted by one multi-row statement
 * ({@link GroupCommit}); each caller still waits for that statement's commit and learns whether its own copy was
 * the first. The first copy holds a publish lease, publishes payment.succeeded and waits
 * for the broker's acknowledgement before the caller answers; the row's PUBLISHED mark follows in a batch. A later copy answers at once
 * unless the row is still RECEIVED with no publish in flight (the first copy's publish failed): then it takes the
 * lease and publishes the stored first copy itself. Any database or Kafka failure is an {@link UnavailableException}
 * (503), never a success.
 */
@Service
public class PaymentNotifications {

    private final NotificationLedger ledger;
    private final PublishedMarks marks;
    private final PaymentEvents events;
    private final WebhookMetrics metrics;
    private final PaymentProperties properties;
    private final Clock clock;
    private final GroupCommit<NotificationLedger.Insert, NotificationLedger.Inserted> inserts;

    PaymentNotifications(NotificationLedger ledger, PublishedMarks marks, PaymentEvents events, WebhookMetrics metrics,
            PaymentProperties properties, Clock clock) {
        this.ledger = ledger;
        var groupCommit = properties.groupCommit();
        // One multi-row INSERT per group of callbacks instead of one commit each (the commit rate was the limit).
        this.inserts = new GroupCommit<>(groupCommit.maxRows(), groupCommit.maxInFlight(),
                batch -> metrics.recordBatch(batch.size(), ledger.insertFirst(batch)));
        metrics.groupCommit(inserts);
        this.marks = marks;
        this.events = events;
        this.metrics = metrics;
        this.properties = properties;
        this.clock = clock;
    }

    /** Records and publishes a verified notification; completes once it is durably recorded and published. */
    public Mono<Receipt> record(PaymentNotification notification) {
        return Mono.defer(() -> {
            Instant now = clock.instant();
            return database(inserts.submit(new NotificationLedger.Insert(notification, now, now.plus(properties.lease()))))
                    .flatMap(inserted -> switch (inserted.kind()) {
                        case FIRST -> publish(inserted.id(), notification)
                                .thenReturn(new Receipt(Receipt.Outcome.ACCEPTED, notification));
                        // Committed by the same statement, and its first copy holds the lease and is publishing it:
                        // the same answer a later copy gets while a publish is in flight, without a read.
                        case SAME_BATCH -> Mono.just(new Receipt(Receipt.Outcome.DUPLICATE, notification));
                        case EXISTING -> duplicate(notification);
                    });
        });
    }

    private Mono<Receipt> duplicate(PaymentNotification copy) {
        Instant now = clock.instant();
        return database(ledger.find(copy.provider(), copy.providerEventId()))
                .switchIfEmpty(Mono.error(() -> new UnavailableException("database",
                        new IllegalStateException("duplicate key but no row"))))
                .flatMap(stored -> {
                    if (stored.state() == StoredNotification.State.PUBLISHED || stored.publishInFlight(now)) {
                        // Durably recorded, and published or being published (the lease holder or the relay
                        // finishes it): answer at once, publish nothing new.
                        return Mono.just(new Receipt(Receipt.Outcome.DUPLICATE, copy));
                    }
                    return database(ledger.claim(stored.id(), now, now.plus(properties.lease())))
                            .flatMap(claimed -> claimed
                                    ? publish(stored.id(), stored.notification())
                                            .thenReturn(new Receipt(Receipt.Outcome.REPUBLISHED, copy))
                                    : Mono.just(new Receipt(Receipt.Outcome.DUPLICATE, copy)));
                });
    }

    /**
     * Publishes a row whose lease the caller holds and queues its PUBLISHED mark (batched, {@link PublishedMarks});
     * on failure frees the lease so the provider's retry can publish at once.
     */
    private Mono<Void> publish(long id, PaymentNotification notification) {
        return metrics.timeKafka(events.publishPaymentSucceeded(notification).timeout(properties.publishTimeout()))
                .onErrorResume(ex -> ledger.releaseLease(id).timeout(properties.dbTimeout())
                        .onErrorResume(releaseFailure -> Mono.empty()) // the lease then expires on its own
                        .then(Mono.error(new UnavailableException("kafka", ex))))
                .then(Mono.fromRunnable(() -> marks.add(id)));
    }

    /**
     * Publishes recorded notifications that nobody is publishing (the relay); returns how many. The time is read at
     * each subscription: a scheduler subscribes to one returned Mono again and again (a lapsed lease must be seen as
     * lapsed on the tenth pass too).
     */
    public Mono<Long> publishUnpublished(int limit) {
        return Flux.defer(() -> {
            Instant now = clock.instant();
            return ledger.findUnpublished(now, limit)
                    .concatMap(stored -> ledger.claim(stored.id(), now, now.plus(properties.lease()))
                            .filter(Boolean::booleanValue)
                            .flatMap(claimed -> publish(stored.id(), stored.notification()).thenReturn(1L)));
        }).count();
    }

    private <T> Mono<T> database(Mono<T> operation) {
        return metrics.timeDb(operation.timeout(properties.dbTimeout()))
                .onErrorMap(ex -> !(ex instanceof DataIntegrityViolationException) && !(ex instanceof UnavailableException),
                        ex -> new UnavailableException("database", ex));
    }
}
