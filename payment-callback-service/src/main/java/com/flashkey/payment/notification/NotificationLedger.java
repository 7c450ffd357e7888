package com.flashkey.payment.notification;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;

import io.r2dbc.spi.Readable;
import io.r2dbc.spi.Statement;
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

    /** One copy to record as RECEIVED, with a publish lease until {@code leaseUntil}. */
    record Insert(PaymentNotification notification, Instant now, Instant leaseUntil) {
    }

    /**
     * What recording one copy found.
     *
     * @param id the row id; 0 when {@link Kind#EXISTING}
     */
    record Inserted(Kind kind, long id) {

        enum Kind {
            /** This copy inserted the row and holds its publish lease. */
            FIRST,
            /** An earlier copy in the same statement inserted the row (committed, lease held by that copy). */
            SAME_BATCH,
            /** The row was already there before this statement. */
            EXISTING
        }
    }

    /**
     * Records a batch of copies in one multi-row statement (one commit), each as RECEIVED with a publish lease held
     * by its caller. Insert first per copy: the unique key decides which copy is the first, also between copies in
     * the same batch (the earliest in the list wins).
     *
     * @return one result per copy, in the copies' order
     */
    Mono<List<Inserted>> insertFirst(List<Insert> batch) {
        // INSERT IGNORE, not a caught duplicate-key error: r2dbc-mysql left connections hanging after error
        // packets under a 500-copy burst. IGNORE only downgrades the unique-key clash here: every other value is
        // validated (lengths, formats) before it gets this far. RETURNING (MariaDB) lists only the rows this
        // statement inserted, which tells each copy whether it was the first.
        StringBuilder sql = new StringBuilder(120 + 40 * batch.size())
                .append("INSERT IGNORE INTO payment_notifications (provider, provider_event_id, order_no, ")
                .append("amount_minor, currency, transaction_id, paid_at, received_at, state, lease_until, ")
                .append("publish_attempts) VALUES ");
        for (int i = 0; i < batch.size(); i++) {
            sql.append(i == 0 ? "(" : ",(").append("?,?,?,?,?,?,?,?,'RECEIVED',?,1)");
        }
        sql.append(" RETURNING id, provider, provider_event_id");
        return db.inConnectionMany(connection -> {
                    Statement statement = connection.createStatement(sql.toString());
                    int p = 0;
                    for (Insert insert : batch) {
                        PaymentNotification n = insert.notification();
                        statement.bind(p++, n.provider()).bind(p++, n.providerEventId()).bind(p++, n.orderNo())
                                .bind(p++, n.amountMinor()).bind(p++, n.currency()).bind(p++, n.transactionId())
                                .bind(p++, n.paidAt()).bind(p++, insert.now()).bind(p++, insert.leaseUntil());
                    }
                    return Flux.from(statement.execute())
                            .concatMap(result -> result.map((row, meta) -> Map.entry(
                                    key(row.get("provider", String.class), row.get("provider_event_id", String.class)),
                                    row.get("id", Long.class))));
                })
                .collectMap(Map.Entry::getKey, Map.Entry::getValue)
                .map(inserted -> {
                    List<Inserted> results = new ArrayList<>(batch.size());
                    Set<String> claimed = new HashSet<>();
                    for (Insert insert : batch) {
                        String key = key(insert.notification().provider(), insert.notification().providerEventId());
                        Long id = inserted.get(key);
                        if (id == null) {
                            results.add(new Inserted(Inserted.Kind.EXISTING, 0));
                        }
                        else {
                            results.add(new Inserted(claimed.add(key) ? Inserted.Kind.FIRST : Inserted.Kind.SAME_BATCH,
                                    id));
                        }
                    }
                    return results;
                });
    }

    private static String key(String provider, String providerEventId) {
        return provider + '\n' + providerEventId;
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

    /** Gives up leases after failed publishes, so the provider's retry (or the relay) may publish at once. */
    Mono<Void> releaseLeases(List<Long> ids) {
        return db.sql("UPDATE payment_notifications SET lease_until = NULL WHERE id IN (:ids) AND state = 'RECEIVED'")
                .bind("ids", ids).fetch().rowsUpdated().then();
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
