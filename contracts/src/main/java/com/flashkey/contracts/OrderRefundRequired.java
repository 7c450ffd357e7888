package com.flashkey.contracts;

import java.time.Instant;

/** A paid order cannot be fulfilled (expired and sold out, or allocation failed): the money must go back. */
public record OrderRefundRequired(String orderNo, String sku, int quantity, long amountMinor, String currency,
        String reason, Instant at) implements OrderEvent {
}
