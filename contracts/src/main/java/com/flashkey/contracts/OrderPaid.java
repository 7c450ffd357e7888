package com.flashkey.contracts;

import java.time.Instant;

/**
 * The order moved PENDING_PAYMENT -> PAID; inventory allocates its card keys.
 *
 * @param buyerPhone E.164 number for an "order ready" SMS, or null (optional; absent from older events)
 */
public record OrderPaid(String orderNo, String sku, int quantity, String buyerEmail, String locale,
        String provider, String transactionId, Instant paidAt, String buyerPhone) implements OrderEvent {

    /** A paid order without a phone number. */
    public OrderPaid(String orderNo, String sku, int quantity, String buyerEmail, String locale, String provider,
            String transactionId, Instant paidAt) {
        this(orderNo, sku, quantity, buyerEmail, locale, provider, transactionId, paidAt, null);
    }
}
