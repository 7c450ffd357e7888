package com.flashkey.order.inventory;

import java.time.Duration;

/** inventory-service did not answer in time, answered 503 (rebuilding, Redis unsafe) or failed. */
public final class InventoryUnavailableException extends RuntimeException {

    private final Duration retryAfter;
    private final boolean mayHaveReserved;

    /**
     * @param mayHaveReserved false only when the request certainly never reached inventory (the breaker was open,
     *                        too many reservations were waiting), so nothing needs releasing
     */
    public InventoryUnavailableException(String orderNo, Duration retryAfter, Throwable cause,
            boolean mayHaveReserved) {
        super("inventory could not reserve or release for order " + orderNo, cause);
        this.retryAfter = retryAfter;
        this.mayHaveReserved = mayHaveReserved;
    }

    public Duration retryAfter() {
        return retryAfter;
    }

    /** Whether inventory may have reserved for the order although no answer came back. */
    public boolean mayHaveReserved() {
        return mayHaveReserved;
    }
}
