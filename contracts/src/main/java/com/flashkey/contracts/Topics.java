package com.flashkey.contracts;

import java.util.List;

/** Kafka topic names of DESIGN.md section 4. Every event is keyed by its order number. */
public final class Topics {

    public static final String ORDER_PLACED = "order.placed";
    public static final String ORDER_PAID = "order.paid";
    public static final String ORDER_EXPIRED = "order.expired";
    public static final String ORDER_CANCELLED = "order.cancelled";
    public static final String ORDER_REFUND_REQUIRED = "order.refund-required";
    public static final String PAYMENT_SUCCEEDED = "payment.succeeded";
    public static final String PAYMENT_UNMATCHED = "payment.unmatched";
    public static final String KEYS_ALLOCATED = "keys.allocated";
    public static final String ALLOCATION_FAILED = "allocation.failed";
    public static final String DELIVERY_RESEND_REQUESTED = "delivery.resend-requested";
    public static final String ORDER_DELIVERED = "order.delivered";
    public static final String NOTIFICATION_FAILED = "notification.failed";
    public static final String CATALOG_PRODUCT_CHANGED = "catalog.product-changed";

    /** Every business topic; retry and dead-letter topics are derived by the consumers that own them. */
    public static final List<String> ALL = List.of(ORDER_PLACED, ORDER_PAID, ORDER_EXPIRED, ORDER_CANCELLED,
            ORDER_REFUND_REQUIRED, PAYMENT_SUCCEEDED, PAYMENT_UNMATCHED, KEYS_ALLOCATED, ALLOCATION_FAILED, DELIVERY_RESEND_REQUESTED,
            ORDER_DELIVERED, NOTIFICATION_FAILED, CATALOG_PRODUCT_CHANGED);

    private Topics() {
    }
}
