package com.flashkey.order.order;

/** The order could not be changed just now (its row is still being recorded, or it kept changing): retry shortly. */
public final class OrderBusyException extends RuntimeException {

    public OrderBusyException(OrderNo orderNo, Throwable cause) {
        super("order " + orderNo + " cannot be changed right now", cause);
    }
}
