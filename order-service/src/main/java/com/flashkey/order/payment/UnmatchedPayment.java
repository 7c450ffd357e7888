package com.flashkey.order.payment;

import java.time.Instant;

/**
 * A verified payment no order took, as stored in {@code unmatched_payment}.
 *
 * @param orderNo     the order number as the provider reported it (not necessarily one)
 * @param amountMinor what was paid, in minor units
 * @param reason      one of the {@code UnmatchedPayments} reasons
 * @param detail      what an operator needs to act on it
 */
public record UnmatchedPayment(String provider, String providerEventId, String orderNo, long amountMinor,
        String currency, String transactionId, Instant paidAt, String reason, String detail, Instant recordedAt) {
}
