package com.flashkey.contracts;

import java.time.Instant;

/** Not enough card keys for a paid order (counters drifted); the order becomes REFUND_REQUIRED. */
public record AllocationFailed(String orderNo, String sku, int quantity, int available, String reason,
        Instant at) implements OrderEvent {
}
