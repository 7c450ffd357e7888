package com.flashkey.contracts;

/** An event about one order; keyed by its order number. */
public sealed interface OrderEvent extends Event permits OrderPlaced, OrderPaid, OrderExpired, OrderCancelled,
        OrderRefundRequired, PaymentSucceeded, PaymentUnmatched, KeysAllocated, AllocationFailed, DeliveryResendRequested,
        OrderDelivered, NotificationFailed {

    String orderNo();
}
