package com.flashkey.inventory.stock;

import java.time.Instant;

/** A reservation request from order-service, with the sale window and limit it read from catalog. */
public record ReserveCommand(String orderNo, int attempt, String sku, int quantity, String buyer, int perBuyerLimit,
        Instant saleStartsAt, Instant saleEndsAt, Instant expiresAt) {

    @Override
    public String toString() {
        return "ReserveCommand[orderNo=" + orderNo + ", attempt=" + attempt + ", sku=" + sku + ", quantity=" + quantity
                + "]";
    }
}
