package com.flashkey.notification.delivery;

import java.time.Duration;
import java.util.UUID;

import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The sent-message log in the {@code notifications} database. A delivery first claims its {@link MessageKey}
 * (insert first; the unique key decides between racing attempts), sends, then marks the row sent. Times come from
 * the database clock so that replicas agree on claim leases.
 */
@Repository
class SentMessageLog {

    private static final String KEY = "order_no = :orderNo AND channel = :channel AND template = :template AND request_id = :requestId";

    private final DatabaseClient db;

    SentMessageLog(DatabaseClient db) {
        this.db = db;
    }

    /**
     * Claims a delivery: a new row, or a row whose last attempt failed, or whose claim is older than {@code lease}
     * (the holder crashed between sending and recording). Anything else is already sent or in flight.
     */
    Mono<Claim> claim(MessageKey key, UUID eventId, Duration lease) {
        Mono<Claim> insert = bind(db.sql("INSERT INTO sent_messages (order_no, channel, template, request_id, status, "
                + "attempts, event_id, claimed_at) VALUES (:orderNo, :channel, :template, :requestId, 'SENDING', 1, "
                + ":eventId, UTC_TIMESTAMP(3))"), key)
                .bind("eventId", eventId.toString())
                .fetch().rowsUpdated()
                .map(rows -> (Claim) new Claim.Granted(1, false));
        return insert.onErrorResume(DataIntegrityViolationException.class, duplicate -> reclaim(key, eventId, lease));
    }

    private Mono<Claim> reclaim(MessageKey key, UUID eventId, Duration lease) {
        // MariaDB assigns left to right: possible_duplicate reads the old status before status is overwritten.
        // A stale SENDING row means an attempt claimed, maybe sent, and never recorded the outcome.
        return bind(db.sql("UPDATE sent_messages SET possible_duplicate = (possible_duplicate OR status = 'SENDING'), "
                + "attempts = attempts + 1, status = 'SENDING', event_id = :eventId, claimed_at = UTC_TIMESTAMP(3) "
                + "WHERE " + KEY + " AND (status = 'FAILED' OR (status = 'SENDING' "
                + "AND claimed_at < TIMESTAMPADD(MICROSECOND, :leaseMicros, UTC_TIMESTAMP(3))))"), key)
                .bind("eventId", eventId.toString())
                .bind("leaseMicros", -lease.toNanos() / 1000)
                .fetch().rowsUpdated()
                .flatMap(rows -> rows == 1 ? granted(key) : current(key));
    }

    private Mono<Claim> granted(MessageKey key) {
        return bind(db.sql("SELECT attempts, possible_duplicate FROM sent_messages WHERE " + KEY), key)
                .map(row -> (Claim) new Claim.Granted(row.get("attempts", Integer.class),
                        Boolean.TRUE.equals(row.get("possible_duplicate", Boolean.class))))
                .one();
    }

    private Mono<Claim> current(MessageKey key) {
        return bind(db.sql("SELECT status, delivered_published_at FROM sent_messages WHERE " + KEY), key)
                .map(row -> "SENT".equals(row.get("status", String.class))
                        ? (Claim) new Claim.AlreadySent(row.get("delivered_published_at", java.time.LocalDateTime.class) != null)
                        : new Claim.InFlight())
                .one();
    }

    /** Whether the log records this delivery as sent. */
    Mono<Boolean> isSent(MessageKey key) {
        return bind(db.sql("SELECT status FROM sent_messages WHERE " + KEY), key)
                .map(row -> "SENT".equals(row.get("status", String.class)))
                .one()
                .defaultIfEmpty(false);
    }

    Mono<Void> markSent(MessageKey key) {
        return bind(db.sql("UPDATE sent_messages SET status = 'SENT', sent_at = UTC_TIMESTAMP(3), last_error = NULL "
                + "WHERE " + KEY + " AND status = 'SENDING'"), key).then();
    }

    /** Records a failed attempt so the next one may claim at once; {@code reason} is a short code, never data. */
    Mono<Void> markFailed(MessageKey key, String reason) {
        return bind(db.sql("UPDATE sent_messages SET status = 'FAILED', last_error = :reason "
                + "WHERE " + KEY + " AND status = 'SENDING'"), key)
                .bind("reason", reason.length() > 120 ? reason.substring(0, 120) : reason)
                .then();
    }

    Mono<Void> markDeliveredPublished(MessageKey key) {
        return bind(db.sql("UPDATE sent_messages SET delivered_published_at = UTC_TIMESTAMP(3) "
                + "WHERE " + KEY + " AND delivered_published_at IS NULL"), key).then();
    }

    /** Sent messages whose order.delivered event is still unpublished, sent longer ago than {@code olderThan}. */
    Flux<MessageKey> findUnpublished(Duration olderThan, int limit) {
        return db.sql("SELECT order_no, channel, template, request_id FROM sent_messages WHERE status = 'SENT' "
                + "AND delivered_published_at IS NULL AND sent_at < TIMESTAMPADD(MICROSECOND, :ageMicros, UTC_TIMESTAMP(3)) "
                + "ORDER BY sent_at LIMIT :limit")
                .bind("ageMicros", -olderThan.toNanos() / 1000)
                .bind("limit", limit)
                .map(row -> new MessageKey(row.get("order_no", String.class), row.get("channel", String.class),
                        row.get("template", String.class), row.get("request_id", String.class)))
                .all();
    }

    /**
     * Deletes up to {@code limit} settled rows claimed more than {@code age} ago: sent with order.delivered published,
     * or failed. A row in flight ({@code SENDING}) or still to be published stays. Once deleted, a replay of the
     * same event would send again, so the age is well past Kafka's retention and any replay window.
     */
    Mono<Long> deleteSettled(Duration age, int limit) {
        return db.sql("DELETE FROM sent_messages WHERE claimed_at < TIMESTAMPADD(MICROSECOND, :ageMicros, UTC_TIMESTAMP(3)) "
                + "AND ((status = 'SENT' AND delivered_published_at IS NOT NULL) OR status = 'FAILED') "
                + "ORDER BY claimed_at LIMIT :limit")
                .bind("ageMicros", -age.toNanos() / 1000)
                .bind("limit", limit)
                .fetch().rowsUpdated();
    }

    private static DatabaseClient.GenericExecuteSpec bind(DatabaseClient.GenericExecuteSpec spec, MessageKey key) {
        return spec.bind("orderNo", key.orderNo()).bind("channel", key.channel()).bind("template", key.template())
                .bind("requestId", key.requestId());
    }
}
