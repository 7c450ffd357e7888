package com.flashkey.contracts;

import java.time.Instant;

/**
 * A buyer's order was accepted: stock is reserved until {@code expiresAt}. order-service writes it to its shard.
 *
 * @param amountMinor total price in minor units (cents, fen)
 * @param locale      the buyer's language for messages, e.g. {@code en} or {@code zh-CN}
 */
public record OrderPlaced(String orderNo, String sku, int quantity, String buyerEmail, long amountMinor,
        String currency, String locale, String idempotencyKey, Instant placedAt, Instant expiresAt)
        implements OrderEvent {
}
