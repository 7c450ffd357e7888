package com.flashkey.payment.notification;

import java.time.Instant;
import java.util.Optional;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;

import io.r2dbc.spi.Readable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** payment_notifications: insert first (the unique key de-duplicates), then move RECEIVED -> PUBLISHED. */
@Repository
public class NotificationLedger {

    private static final String COLUMNS = "id, provider, provider_event_id, order_no, amount_minor, currency, "
            + "transaction_id, paid_at, state, lease_until";

    private final DatabaseClient db;

    NotificationLedger(DatabaseClient db) {
        this.db = db;
    }

    /**
     * Records a notification as RECEIVED with a publish lease held by the caller.
     *
     * @return the new row id, or empty when this provider event is already recorded
     */
    Mono<Optional<Long>> insertFirst(PaymentNotification n, Instant now, Instant leaseUntil) {
        // INSERT IGNORE, not a caught duplicate-key error: r2dbc-mysql left connections hanging after error
        // packets under a 500-copy burst. IGNORE only downgrades the unique-key clash here: every other value is
        // validated (lengths, formats) before it gets this far.
        return db.sql("INSERT IGNORE INTO payment_notifications (provider, provider_event_id, order_no, amount_minor, "
                        + "currency, transaction_id, paid_at, received_at, state, lease_until, publish_attempts) "
                        + "VALUES (:provider, :eventId, :orderNo, :amount, :currency, :tx, :paidAt, :now, 'RECEIVED', "
                        + ":lease, 1)")
                .bind("provider", n.provider()).bind("eventId", n.providerEventId()).bind("orderNo", n.orderNo())
                .bind("amount", n.amountMinor()).bind("currency", n.currency()).bind("tx", n.transactionId())
                .bind("paidAt", n.paidAt()).bind("now", now).bind("lease", leaseUntil)
                .filter(s -> s.returnGeneratedValues("id"))
                .map(row -> Optional.ofNullable(row.get("id", Long.class)).filter(id -> id > 0))
                .first()
                .defaultIfEmpty(Optional.empty());
    }

    Mono<StoredNotification> find(String provider, String providerEventId) {
        return db.sql("SELECT " + COLUMNS + " FROM payment_notifications WHERE provider = :provider "
                        + "AND provider_event_id = :eventId")
                .bind("provider", provider).bind("eventId", providerEventId)
                .map(NotificationLedger::read).one();
    }

    /** Takes the publish lease of a RECEIVED row nobody is publishing; false when someone else holds it. */
    Mono<Boolean> claim(long id, Instant now, Instant leaseUntil) {
        return db.sql("UPDATE payment_notifications SET lease_until = :lease, publish_attempts = publish_attempts + 1 "
                        + "WHERE id = :id AND state = 'RECEIVED' AND (lease_until IS NULL OR lease_until <= :now)")
                .bind("lease", leaseUntil).bind("id", id).bind("now", now)
                .fetch().rowsUpdated().map(n -> n == 1);
    }

    /** Gives up a lease after a failed publish, so the provider's retry (or the relay) may publish at once. */
    Mono<Void> releaseLease(long id) {
        return db.sql("UPDATE payment_notifications SET lease_until = NULL WHERE id = :id AND state = 'RECEIVED'")
                .bind("id", id).fetch().rowsUpdated().then();
    }

    /** RECEIVED rows nobody is publishing, oldest first; candidates only, {@link #claim} decides. */
    Flux<StoredNotification> findUnpublished(Instant now, int limit) {
        return db.sql("SELECT " + COLUMNS + " FROM payment_notifications WHERE state = 'RECEIVED' "
                        + "AND (lease_until IS NULL OR lease_until <= :now) ORDER BY id LIMIT :limit")
                .bind("now", now).bind("limit", limit)
                .map(NotificationLedger::read).all();
    }

    /** Whether any notification is recorded for the order (reconciliation skips such orders). */
    public Mono<Boolean> existsForOrder(String orderNo) {
        return db.sql("SELECT 1 FROM payment_notifications WHERE order_no = :orderNo LIMIT 1")
                .bind("orderNo", orderNo).map(row -> 1).all().hasElements();
    }

    private static StoredNotification read(Readable row) {
        var notification = new PaymentNotification(row.get("provider", String.class),
                row.get("provider_event_id", String.class), row.get("order_no", String.class),
                row.get("amount_minor", Long.class), row.get("currency", String.class),
                row.get("transaction_id", String.class), row.get("paid_at", Instant.class));
        return new StoredNotification(row.get("id", Long.class), notification,
                StoredNotification.State.valueOf(row.get("state", String.class)), row.get("lease_until", Instant.class));
    }
}
