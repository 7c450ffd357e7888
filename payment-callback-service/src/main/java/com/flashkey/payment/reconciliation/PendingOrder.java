package com.flashkey.payment.reconciliation;

import java.time.Instant;

/** An order waiting for payment, as order.placed announced it. */
public record PendingOrder(String orderNo, long amountMinor, String currency, Instant placedAt, Instant expiresAt) {
}
