package com.flashkey.order.inventory;

import java.time.Duration;

/** inventory-service did not answer in time, answered 503 (rebuilding, Redis unsafe) or failed. */
public final class InventoryUnavailableException extends RuntimeException {

    private final Duration retryAfter;

    public InventoryUnavailableException(String orderNo, Duration retryAfter, Throwable cause) {
        super("inventory could not reserve or release for order " + orderNo, cause);
        this.retryAfter = retryAfter;
    }

    public Duration retryAfter() {
        return retryAfter;
    }
}
