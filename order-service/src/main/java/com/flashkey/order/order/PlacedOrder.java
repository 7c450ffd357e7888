package com.flashkey.order.order;

import java.time.Instant;

/**
 * The answer to an accepted order (202).
 *
 * @param amount  decimal string, e.g. {@code "19.80"}
 * @param payment where the buyer pays
 */
public record PlacedOrder(String orderNo, OrderStatus status, String sku, int quantity, String amount,
        String currency, Instant expiresAt, Payment payment) {

    /** @param url the payment page for this order */
    public record Payment(String provider, String url) {
    }
}
