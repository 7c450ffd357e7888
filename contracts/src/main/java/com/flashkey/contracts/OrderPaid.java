package com.flashkey.contracts;

import java.time.Instant;

/** The order moved PENDING_PAYMENT -> PAID; inventory allocates its card keys. */
public record OrderPaid(String orderNo, String sku, int quantity, String buyerEmail, String locale,
        String provider, String transactionId, Instant paidAt) implements OrderEvent {
}
