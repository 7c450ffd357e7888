package com.flashkey.inventory.stock;

/** A reservation request contradicts what the order already did (an older attempt, or an order already paid). */
public class ReservationConflictException extends RuntimeException {

    public ReservationConflictException(String orderNo, int attempt, String why) {
        super("reservation attempt " + attempt + " of order " + orderNo + " conflicts: " + why);
    }
}
