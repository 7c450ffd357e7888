package com.flashkey.order.inventory;

import java.time.Instant;

/**
 * Body of {@code POST /internal/reservations}. The sale window and limit are the ones order-service read from
 * catalog; inventory checks them against Redis time.
 *
 * @param attempt   1 for a new order; a re-reservation after expiry uses the next number
 * @param buyer     the buyer's normalized e-mail (the per-buyer limit counts by it)
 * @param expiresAt the reservation's deadline: the order's payment deadline plus the payment grace, so inventory
 *                  never frees the stock before order-service may expire the order
 */
public record ReservationRequest(String orderNo, int attempt, String sku, int quantity, String buyer,
        int perBuyerLimit, Instant saleStartsAt, Instant saleEndsAt, Instant expiresAt) {
}
