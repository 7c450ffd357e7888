package com.flashkey.order.inventory;

/**
 * inventory's answer to a reservation; a replay of the same (orderNo, attempt) returns the first answer.
 *
 * @param outcome   RESERVED, SOLD_OUT, LIMIT_EXCEEDED or NOT_ON_SALE
 * @param available stock left after this reservation
 */
public record Reservation(String orderNo, int attempt, Outcome outcome, long available) {

    public enum Outcome {
        RESERVED, SOLD_OUT, LIMIT_EXCEEDED, NOT_ON_SALE
    }

    public boolean reserved() {
        return outcome == Outcome.RESERVED;
    }
}
