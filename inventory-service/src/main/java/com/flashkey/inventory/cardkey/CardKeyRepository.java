package com.flashkey.inventory.cardkey;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;


import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** SQL of the card-key pool and its import batches. */
@Repository
public class CardKeyRepository {

    private final DatabaseClient db;

    public CardKeyRepository(DatabaseClient db) {
        this.db = db;
    }

    /** A code ready to store: its fingerprint and ciphertext. */
    public record NewKey(byte[] fingerprint, String keyId, byte[] ciphertext) {
    }

    /** A key taken for an order, still encrypted at rest. */
    public record TakenKey(long id, String keyId, byte[] ciphertext) {
    }

    /** Key counts of one SKU. */
    public record KeyCounts(long imported, long available, long sold) {
    }

    Mono<Long> startBatch(String sku, String importedBy, Instant startedAt) {
        return db.sql("INSERT INTO import_batches (sku, imported_by, started_at) VALUES (?, ?, ?)")
                .bind(0, sku).bind(1, importedBy).bind(2, startedAt)
                .filter(s -> s.returnGeneratedValues("id"))
                .map(row -> row.get(0, Long.class)).one();
    }

    Mono<Void> finishBatch(long batchId, long lines, long imported, long duplicates, long rejected, Instant at) {
        return db.sql("UPDATE import_batches SET finished_at = ?, total_lines = ?, imported = ?, duplicates = ?, "
                + "rejected = ? WHERE id = ?")
                .bind(0, at).bind(1, lines).bind(2, imported).bind(3, duplicates).bind(4, rejected).bind(5, batchId)
                .then();
    }

    /** Inserts keys, skipping those whose fingerprint the SKU already has; returns how many were new. */
    Mono<Long> insertKeys(String sku, long batchId, List<NewKey> keys, Instant at) {
        if (keys.isEmpty()) {
            return Mono.just(0L);
        }
        StringBuilder sql = new StringBuilder(
                "INSERT IGNORE INTO card_keys (sku, code_hmac, code_cipher, key_id, status, batch_id, created_at) VALUES ");
        for (int i = 0; i < keys.size(); i++) {
            sql.append(i == 0 ? "" : ",").append("(?, ?, ?, ?, 'AVAILABLE', ?, ?)");
        }
        List<Object> values = new ArrayList<>(keys.size() * 6);
        for (NewKey key : keys) {
            values.addAll(List.of(sku, key.fingerprint(), key.ciphertext(), key.keyId(), batchId, at));
        }
        return db.sql(sql.toString()).bindValues(values).fetch().rowsUpdated();
    }

    public Mono<KeyCounts> counts(String sku) {
        return db.sql("SELECT COUNT(*) AS imported, COALESCE(SUM(status = 'AVAILABLE'), 0) AS available, "
                + "COALESCE(SUM(status = 'SOLD'), 0) AS sold FROM card_keys WHERE sku = ?")
                .bind(0, sku)
                .map(row -> new KeyCounts(number(row.get("imported")), number(row.get("available")),
                        number(row.get("sold"))))
                .one();
    }

    public Mono<Long> availableKeys(String sku) {
        return db.sql("SELECT COUNT(*) FROM card_keys WHERE sku = ? AND status = 'AVAILABLE'").bind(0, sku)
                .map(row -> number(row.get(0))).one();
    }

    /** Every SKU that has keys. */
    public Flux<String> skus() {
        return db.sql("SELECT DISTINCT sku FROM card_keys").map(row -> row.get(0, String.class)).all();
    }

    /** Locks up to {@code quantity} AVAILABLE keys, skipping rows other transactions hold; call inside a transaction. */
    public Flux<TakenKey> lockAvailable(String sku, int quantity) {
        // LIMIT takes no bind marker here; the value is an int, never input. FORCE INDEX: for ORDER BY id LIMIT the
        // optimizer picks a scan of the primary key, and a locking read locks every row it reads, so an allocation
        // locked all the keys of the SKUs imported before this one (200,000 row locks each after a few imports,
        // which filled a 128 MB buffer pool with lock heaps and aborted MariaDB during a webhook benchmark).
        return db.sql("SELECT id, key_id, code_cipher FROM card_keys FORCE INDEX (idx_card_keys_sku_status) "
                + "WHERE sku = ? AND status = 'AVAILABLE' "
                + "ORDER BY id LIMIT " + quantity + " FOR UPDATE SKIP LOCKED")
                .bind(0, sku)
                .map(row -> new TakenKey(number(row.get("id")), row.get("key_id", String.class),
                        row.get("code_cipher", byte[].class)))
                .all();
    }

    public Mono<Long> markSold(List<Long> ids, String orderNo, Instant at) {
        StringBuilder sql = new StringBuilder(
                "UPDATE card_keys SET status = 'SOLD', order_no = ?, sold_at = ? WHERE status = 'AVAILABLE' AND id IN (");
        for (int i = 0; i < ids.size(); i++) {
            sql.append(i == 0 ? "?" : ",?");
        }
        // One bindValues call: each bind(i, v) copies the spec's whole binding map.
        List<Object> values = new ArrayList<>(ids.size() + 2);
        values.add(orderNo);
        values.add(at);
        values.addAll(ids);
        return db.sql(sql.append(')').toString()).bindValues(values).fetch().rowsUpdated();
    }

    static long number(Object value) {
        return value == null ? 0 : ((Number) value).longValue();
    }
}
