package com.flashkey.order.order;

/** No order with this number and contact. Deliberately says nothing about which of the two did not match. */
public final class OrderNotFoundException extends RuntimeException {

    public OrderNotFoundException() {
        super("no such order for this contact");
    }
}
