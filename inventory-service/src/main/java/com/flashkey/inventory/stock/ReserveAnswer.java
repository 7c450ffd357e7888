package com.flashkey.inventory.stock;

/**
 * The answer to a reservation attempt; a replay of the same (orderNo, attempt) gets the first answer.
 *
 * @param available units left for the SKU when the answer was first given
 * @param replay    this call repeated an earlier one and changed nothing
 */
public record ReserveAnswer(String orderNo, int attempt, ReservationOutcome outcome, long available, boolean replay) {
}
