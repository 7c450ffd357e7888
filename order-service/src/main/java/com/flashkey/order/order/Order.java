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
 */
public record Order(OrderNo orderNo, String sku, int quantity, String buyerEmail, long amountMinor, String currency,
        String locale, OrderStatus status, int version, int attempt, Instant placedAt, Instant expiresAt,
        Instant paidAt, Instant deliveredAt, List<SealedCode> codes, String flag, String buyerPhone) {

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

    @Override
    public String toString() {
        // No buyer e-mail, phone or codes in logs.
        return "Order[" + orderNo + ", " + status + ", v" + version + "]";
    }
}
