package com.flashkey.order.order;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import com.flashkey.contracts.SealedCode;

/**
 * One order row.
 *
 * @param version bumped by every transition; transitions name it in their WHERE clause
 * @param attempt reservation attempt at inventory (a late payment re-reserves under attempt + 1)
 * @param codes   card codes sealed with DeliveryCodes; empty until DELIVERED
 * @param flag    an anomaly for a human (e.g. a payment that does not match), else null
 * @param buyerPhone E.164 number for the "order ready" SMS, or null
 * @param paymentProvider      provider of the payment the order took (paid, or refund-required over it), or null
 * @param paymentTransactionId that payment's transaction id, or null (also for rows older than this column's use)
 */
public record Order(OrderNo orderNo, String sku, int quantity, String buyerEmail, long amountMinor, String currency,
        String locale, OrderStatus status, int version, int attempt, Instant placedAt, Instant expiresAt,
        Instant paidAt, Instant deliveredAt, List<SealedCode> codes, String flag, String buyerPhone,
        String paymentProvider, String paymentTransactionId) {

    public Order {
        codes = codes == null ? List.of() : List.copyOf(codes);
    }

    /**
     * Whether the order may expire at {@code now}: it is unpaid and its deadline plus {@code grace} has passed. The
     * grace covers payment notifications that arrive a little after the deadline the buyer was shown.
     */
    public boolean dueForExpiry(Instant now, Duration grace) {
        return status == OrderStatus.PENDING_PAYMENT && !now.isBefore(expiresAt.plus(grace));
    }

    /**
     * Whether {@code provider}'s transaction is the payment this order already took (a redelivery of it). Unknown on
     * either side counts as the same: without a transaction id a second payment cannot be told from a copy.
     */
    public boolean tookPayment(String provider, String transactionId) {
        if (paymentTransactionId == null || transactionId == null) {
            return true;
        }
        return paymentTransactionId.equals(transactionId) && (paymentProvider == null || paymentProvider.equals(provider));
    }

    @Override
    public String toString() {
        // No buyer e-mail, phone or codes in logs.
        return "Order[" + orderNo + ", " + status + ", v" + version + "]";
    }
}
