package com.flashkey.contracts;

import java.time.Instant;

/** An unpaid order passed its deadline; inventory releases its reservation. */
public record OrderExpired(String orderNo, String sku, int quantity, Instant expiredAt) implements OrderEvent {
}
