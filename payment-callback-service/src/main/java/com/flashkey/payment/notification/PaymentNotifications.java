package com.flashkey.payment.notification;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.stereotype.Service;

import com.flashkey.payment.config.PaymentProperties;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Records a payment notification once and publishes it. Insert first: the unique key on (provider, provider event
 * id) decides which copy is the first. Callbacks arriving together are recorded as one batch ({@link GroupCommit}):
 * one multi-row insert (one commit), then one payment.succeeded per first copy, all sent together (the producer
 * batches them) and acknowledged together (acks=all). Each caller learns its own outcome, and only after its row is
 * committed and, for a first copy, its event acknowledged; the row's PUBLISHED mark follows in a batch
 * ({@link PublishedMarks}). A later copy answers at once unless the row is still RECEIVED with no publish in flight
 * (the first copy's publish failed): then it takes the lease and publishes the stored first copy itself. Any
 * database or Kafka failure is an {@link UnavailableException} (503), never a success.
 */
@Service
public class PaymentNotifications {

    private final NotificationLedger ledger;
    private final PublishedMarks marks;
    private final PaymentEvents events;
    private final WebhookMetrics metrics;
    private final PaymentProperties properties;
    private final Clock clock;
    private final GroupCommit<NotificationLedger.Insert, Written> batches;

    PaymentNotifications(NotificationLedger ledger, PublishedMarks marks, PaymentEvents events, WebhookMetrics metrics,
            PaymentProperties properties, Clock clock) {
        this.ledger = ledger;
        this.marks = marks;
        this.events = events;
        this.metrics = metrics;
        this.properties = properties;
        this.clock = clock;
        var groupCommit = properties.groupCommit();
        // One multi-row INSERT and one producer batch per group of callbacks instead of a commit and an
        // acknowledgement each (the commit rate, then the per-callback overhead, were the limits).
        this.batches = new GroupCommit<>(groupCommit.maxRows(), groupCommit.maxInFlight(),
                batch -> metrics.recordBatch(batch.size(), recordBatch(batch)));
        metrics.groupCommit(batches);
    }

    /** Records and publishes a verified notification; completes once it is durably recorded and published. */
    public Mono<Receipt> record(PaymentNotification notification) {
        return Mono.defer(() -> {
            Instant now = clock.instant();
            return batches.submit(new NotificationLedger.Insert(notification, now, now.plus(properties.lease())))
                    .flatMap(written -> switch (written.kind()) {
                        case FIRST -> written.failure() == null
                                ? Mono.just(new Receipt(Receipt.Outcome.ACCEPTED, notification))
                                : Mono.error(new UnavailableException("kafka", written.failure()));
                        // Committed by the same statement, and its first copy holds the lease and is publishing it:
                        // the same answer a later copy gets while a publish is in flight, without a read.
                        case SAME_BATCH -> Mono.just(new Receipt(Receipt.Outcome.DUPLICATE, notification));
                        case EXISTING -> duplicate(notification);
                    });
        });
    }

    /** What became of one callback of a batch: its copy's kind and, for a first copy, why its publish failed. */
    record Written(NotificationLedger.Inserted.Kind kind, Throwable failure) {
    }

    /**
     * One batch: the multi-row insert, then the first copies' events in one go. A failed insert fails the whole batch
     * (every caller 503); a failed publish fails only its own caller, whose lease is freed so the provider's retry
     * can publish at once.
     */
    private Mono<List<Written>> recordBatch(List<NotificationLedger.Insert> batch) {
        return ledger.insertFirst(batch).timeout(properties.dbTimeout())
                .onErrorMap(ex -> !(ex instanceof UnavailableException), ex -> new UnavailableException("database", ex))
                .flatMap(inserted -> {
                    Instant committed = clock.instant();
                    List<PaymentNotification> firsts = new ArrayList<>();
                    List<Long> firstIds = new ArrayList<>();
                    for (int i = 0; i < batch.size(); i++) {
                        metrics.recorded(Duration.between(batch.get(i).now(), committed).toNanos());
                        if (inserted.get(i).kind() == NotificationLedger.Inserted.Kind.FIRST) {
                            firsts.add(batch.get(i).notification());
                            firstIds.add(inserted.get(i).id());
                        }
                    }
                    if (firsts.isEmpty()) {
                        return Mono.just(written(inserted, List.of()));
                    }
                    long sent = System.nanoTime();
                    return events.publishAll(firsts, properties.publishTimeout()).flatMap(failures -> {
                        metrics.published(System.nanoTime() - sent, firsts.size());
                        List<Long> acknowledged = new ArrayList<>(firstIds.size());
                        List<Long> failed = new ArrayList<>(0);
                        for (int i = 0; i < firstIds.size(); i++) {
                            (failures.get(i) == null ? acknowledged : failed).add(firstIds.get(i));
                        }
                        marks.addAll(acknowledged);
                        return releaseLeases(failed).thenReturn(written(inserted, failures));
                    });
                });
    }

    private static List<Written> written(List<NotificationLedger.Inserted> inserted, List<Throwable> failures) {
        List<Written> written = new ArrayList<>(inserted.size());
        int first = 0;
        for (NotificationLedger.Inserted row : inserted) {
            Throwable failure = row.kind() == NotificationLedger.Inserted.Kind.FIRST ? failures.get(first++) : null;
            written.add(new Written(row.kind(), failure));
        }
        return written;
    }

    private Mono<Void> releaseLeases(List<Long> ids) {
        return ids.isEmpty() ? Mono.empty()
                : ledger.releaseLeases(ids).timeout(properties.dbTimeout())
                        .onErrorResume(releaseFailure -> Mono.empty()); // the leases then expire on their own
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
     * Publishes one row whose lease the caller holds and queues its PUBLISHED mark (batched, {@link PublishedMarks});
     * on failure frees the lease so the provider's retry can publish at once.
     */
    private Mono<Void> publish(long id, PaymentNotification notification) {
        return metrics.timeKafka(events.publishAll(List.of(notification), properties.publishTimeout()))
                .flatMap(failures -> failures.get(0) == null
                        ? Mono.fromRunnable(() -> marks.addAll(List.of(id)))
                        : releaseLeases(List.of(id)).then(Mono.error(new UnavailableException("kafka", failures.get(0)))));
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
