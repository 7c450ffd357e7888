package com.flashkey.contracts;

import java.time.Instant;

/**
 * A buyer's order was accepted: stock is reserved until {@code expiresAt}. order-service writes it to its shard.
 *
 * @param amountMinor total price in minor units (cents, fen)
 * @param locale      the buyer's language for messages, e.g. {@code en} or {@code zh-CN}
 * @param buyerPhone  E.164 number for an "order ready" SMS, or null (optional; absent from older events)
 */
public record OrderPlaced(String orderNo, String sku, int quantity, String buyerEmail, long amountMinor,
        String currency, String locale, String idempotencyKey, Instant placedAt, Instant expiresAt,
        String buyerPhone) implements OrderEvent {

    /** An order without a phone number. */
    public OrderPlaced(String orderNo, String sku, int quantity, String buyerEmail, long amountMinor, String currency,
            String locale, String idempotencyKey, Instant placedAt, Instant expiresAt) {
        this(orderNo, sku, quantity, buyerEmail, amountMinor, currency, locale, idempotencyKey, placedAt, expiresAt,
                null);
    }
}
