package com.flashkey.order.order;

import java.time.Instant;
import java.util.List;

/**
 * The buyer's view of an order ({@code GET /api/orders/{orderNo}}).
 *
 * @param codes plaintext card codes, only when DELIVERED (opened for this response only, never stored in clear)
 */
public record OrderView(String orderNo, OrderStatus status, String sku, int quantity, String amount, String currency,
        Instant createdAt, Instant expiresAt, Instant paidAt, Instant deliveredAt, List<String> codes) {

    static OrderView of(Order order, List<String> codes) {
        return new OrderView(order.orderNo().value(), order.status(), order.sku(), order.quantity(),
                Money.toDecimal(order.amountMinor(), order.currency()), order.currency(), order.placedAt(),
                order.expiresAt(), order.paidAt(), order.deliveredAt(), List.copyOf(codes));
    }

    @Override
    public String toString() {
        return "OrderView[" + orderNo + ", " + status + "]";
    }
}
