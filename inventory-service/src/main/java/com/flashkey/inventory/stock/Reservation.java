package com.flashkey.inventory.stock;

import java.time.Instant;

/**
 * The durable copy of one order's reservation.
 *
 * @param attempt   the reservation attempt; 0 when written from an event that does not know it
 * @param buyer     normalised buyer e-mail
 * @param status    RESERVED, RELEASED, CONFIRMED or FAILED
 * @param orderSeen order-service published order.placed for it (the order exists)
 */
public record Reservation(String orderNo, int attempt, String sku, int quantity, String buyer, Instant deadline,
        String status, boolean orderSeen) {

    public static final String RESERVED = "RESERVED";
    public static final String RELEASED = "RELEASED";
    public static final String CONFIRMED = "CONFIRMED";
    public static final String FAILED = "FAILED";

    @Override
    public String toString() {
        // The buyer's e-mail stays out of logs.
        return "Reservation[orderNo=" + orderNo + ", attempt=" + attempt + ", sku=" + sku + ", quantity=" + quantity
                + ", status=" + status + "]";
    }
}
