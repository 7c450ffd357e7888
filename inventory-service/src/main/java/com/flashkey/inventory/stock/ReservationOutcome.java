package com.flashkey.inventory.stock;

/** Business answers of a reservation attempt. */
public enum ReservationOutcome {
    RESERVED, SOLD_OUT, LIMIT_EXCEEDED, NOT_ON_SALE
}
