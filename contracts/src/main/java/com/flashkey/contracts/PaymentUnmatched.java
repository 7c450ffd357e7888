package com.flashkey.contracts;

import java.time.Instant;

/**
 * A verified payment that order-service could not apply to any order: the order number is malformed, names no
 * shard, or stayed unknown after the wait for its order.placed; or the amount does not match an order that can no
 * longer take it (already paid, delivered or refunded), or another payment for an order that took one already.
 * order-service keeps it in {@code unmatched_payment} for an
 * operator, who refunds or applies it by hand.
 *
 * @param orderNo         the order number as the provider reported it (not necessarily a valid one)
 * @param providerEventId the provider's id of the notification (one record per provider and id)
 * @param reason          {@code malformed-order-no}, {@code unknown-shard}, {@code unknown-order},
 *                        {@code not-ingested} (placed, but the row never landed), {@code amount-mismatch} or
 *                        {@code order-not-payable}
 * @param detail          what an operator needs to act, e.g. the amount the order expected
 */
public record PaymentUnmatched(String orderNo, String provider, String providerEventId, long amountMinor,
        String currency, String transactionId, Instant paidAt, String reason, String detail, Instant recordedAt)
        implements OrderEvent {
}
