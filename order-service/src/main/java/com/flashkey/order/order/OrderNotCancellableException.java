package com.flashkey.order.order;

/** A paid (or delivered, or refunded) order cannot be cancelled by the buyer. */
public final class OrderNotCancellableException extends RuntimeException {

    private final OrderStatus status;

    public OrderNotCancellableException(OrderNo orderNo, OrderStatus status) {
        super("order " + orderNo + " is " + status + " and can no longer be cancelled");
        this.status = status;
    }

    public OrderStatus status() {
        return status;
    }
}
