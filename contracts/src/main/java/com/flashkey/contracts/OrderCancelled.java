package com.flashkey.contracts;

import java.time.Instant;

/** An unpaid order was cancelled; inventory releases its reservation. */
public record OrderCancelled(String orderNo, String sku, int quantity, String reason, Instant cancelledAt)
        implements OrderEvent {
}
