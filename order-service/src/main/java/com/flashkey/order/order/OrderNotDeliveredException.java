package com.flashkey.order.order;

/** Codes can be sent again only once the order was delivered. */
public final class OrderNotDeliveredException extends RuntimeException {

    public OrderNotDeliveredException(OrderNo orderNo, OrderStatus status) {
        super("order " + orderNo + " is " + status + ", its codes are not delivered yet");
    }
}
