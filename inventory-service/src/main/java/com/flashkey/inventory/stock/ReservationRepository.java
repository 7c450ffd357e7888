package com.flashkey.inventory.stock;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;


import io.r2dbc.spi.Readable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** SQL of the durable reservation records. Writes are upserts that never move a status backwards. */
@Repository
public class ReservationRepository {

    /*
     * A later attempt replaces the row; the same attempt may only leave RESERVED; an earlier attempt (or attempt 0,
     * written from an event that does not know it) changes nothing but order_seen. CONFIRMED and FAILED are final
     * for the order: a write-behind record that arrives after the allocation never reopens it. MariaDB applies the
     * assignments left to right (later ones see earlier results), so the columns read by the conditions (status,
     * attempt) are assigned last.
     */
    private static final String NEWER = "(VALUES(attempt) > attempt AND status NOT IN ('CONFIRMED', 'FAILED'))";
    private static final String UPSERT_TAIL = " ON DUPLICATE KEY UPDATE "
            + "sku = IF(" + NEWER + ", VALUES(sku), sku), "
            + "quantity = IF(" + NEWER + ", VALUES(quantity), quantity), "
            + "buyer = IF(" + NEWER + ", VALUES(buyer), buyer), "
            + "deadline = IF(" + NEWER + ", VALUES(deadline), deadline), "
            + "order_seen = order_seen OR VALUES(order_seen), updated_at = VALUES(updated_at), "
            + "status = CASE WHEN " + NEWER + " THEN VALUES(status) "
            + "WHEN VALUES(attempt) = attempt AND status = 'RESERVED' THEN VALUES(status) ELSE status END, "
            + "attempt = GREATEST(attempt, VALUES(attempt))";

    private final DatabaseClient db;

    public ReservationRepository(DatabaseClient db) {
        this.db = db;
    }

    public Mono<Long> upsert(List<Reservation> rows, Instant at) {
        if (rows.isEmpty()) {
            return Mono.just(0L);
        }
        StringBuilder sql = new StringBuilder("INSERT INTO reservations (order_no, attempt, sku, quantity, buyer, "
                + "deadline, status, order_seen, created_at, updated_at) VALUES ");
        for (int i = 0; i < rows.size(); i++) {
            sql.append(i == 0 ? "" : ",").append("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        }
        List<Object> values = new ArrayList<>(rows.size() * 10);
        for (Reservation r : rows) {
            values.addAll(List.of(r.orderNo(), r.attempt(), r.sku(), r.quantity(), r.buyer(), r.deadline(), r.status(),
                    r.orderSeen(), at, at));
        }
        return db.sql(sql.append(UPSERT_TAIL).toString()).bindValues(values).fetch().rowsUpdated();
    }

    /** RESERVED -> RELEASED; with a bound, only a reservation whose deadline is not after it. */
    public Mono<Long> markReleased(String orderNo, Instant latestDeadline, Instant at) {
        if (latestDeadline == null) {
            return db.sql("UPDATE reservations SET status = 'RELEASED', updated_at = ? WHERE order_no = ? "
                    + "AND status = 'RESERVED'").bind(0, at).bind(1, orderNo).fetch().rowsUpdated();
        }
        return db.sql("UPDATE reservations SET status = 'RELEASED', updated_at = ? WHERE order_no = ? "
                + "AND status = 'RESERVED' AND deadline <= ?").bind(0, at).bind(1, orderNo).bind(2, latestDeadline)
                .fetch().rowsUpdated();
    }

    /** The order was paid (CONFIRMED) or could not be fulfilled (FAILED); creates the row if it is missing. */
    public Mono<Long> markSettled(String orderNo, String sku, int quantity, String buyer, String status, Instant at) {
        return db.sql("INSERT INTO reservations (order_no, attempt, sku, quantity, buyer, deadline, status, order_seen, "
                + "created_at, updated_at) VALUES (?, 0, ?, ?, ?, ?, ?, TRUE, ?, ?) "
                + "ON DUPLICATE KEY UPDATE status = VALUES(status), order_seen = TRUE, updated_at = VALUES(updated_at)")
                .bind(0, orderNo).bind(1, sku).bind(2, quantity).bind(3, buyer).bind(4, at).bind(5, status)
                .bind(6, at).bind(7, at).fetch().rowsUpdated();
    }

    public Mono<Reservation> find(String orderNo) {
        return db.sql("SELECT * FROM reservations WHERE order_no = ?").bind(0, orderNo).map(ReservationRepository::row)
                .one();
    }

    /** Live (RESERVED) reservations of a SKU. */
    public Flux<Reservation> live(String sku) {
        return db.sql("SELECT * FROM reservations WHERE sku = ? AND status = 'RESERVED'").bind(0, sku)
                .map(ReservationRepository::row).all();
    }

    public Mono<Long> reservedUnits(String sku) {
        return db.sql("SELECT COALESCE(SUM(quantity), 0) FROM reservations WHERE sku = ? AND status = 'RESERVED'")
                .bind(0, sku).map(row -> ((Number) row.get(0)).longValue()).one();
    }

    /** Units each buyer holds of a SKU (reserved or bought), for the per-buyer limit. */
    public Flux<BuyerUnits> buyerUnits(String sku) {
        return db.sql("SELECT buyer, SUM(quantity) AS units FROM reservations WHERE sku = ? "
                + "AND status IN ('RESERVED', 'CONFIRMED') GROUP BY buyer").bind(0, sku)
                .map(row -> new BuyerUnits(row.get("buyer", String.class), ((Number) row.get("units")).longValue()))
                .all();
    }

    public Flux<String> skus() {
        return db.sql("SELECT DISTINCT sku FROM reservations WHERE status = 'RESERVED'")
                .map(row -> row.get(0, String.class)).all();
    }

    /**
     * Live reservations whose order.placed has not been recorded and that nothing has written since {@code before}
     * (the reserve's write-behind record is the last write of an order that never appeared), oldest first.
     */
    public Flux<Unseen> unseenSince(Instant before, int limit) {
        return db.sql("SELECT order_no, sku FROM reservations WHERE status = 'RESERVED' AND order_seen = FALSE "
                + "AND updated_at < ? ORDER BY updated_at LIMIT " + limit).bind(0, before)
                .map(row -> new Unseen(row.get("order_no", String.class), row.get("sku", String.class))).all();
    }

    public record BuyerUnits(String buyer, long units) {
    }

    /** A live reservation whose order has not been seen. */
    public record Unseen(String orderNo, String sku) {
    }

    private static Reservation row(Readable row) {
        Object seen = row.get("order_seen");
        boolean orderSeen = seen instanceof Boolean b ? b : seen != null && ((Number) seen).intValue() != 0;
        return new Reservation(row.get("order_no", String.class), ((Number) row.get("attempt")).intValue(),
                row.get("sku", String.class), ((Number) row.get("quantity")).intValue(), row.get("buyer", String.class),
                row.get("deadline", Instant.class), row.get("status", String.class), orderSeen);
    }
}
