package com.flashkey.order.order;

/**
 * The answer to an order request, and what an Idempotency-Key replays: the accepted order, or the refusal. A refusal
 * is a value (the web layer answers it 409), never an exception: a sold-out storm refuses thousands a second.
 *
 * @param accepted  the placed order, or null when refused
 * @param rejection why it was refused, or null when accepted
 * @param detail    the refusal's detail text
 */
public record PlacementAnswer(PlacedOrder accepted, Refusal rejection, String detail) {

    static PlacementAnswer accepted(PlacedOrder order) {
        return new PlacementAnswer(order, null, null);
    }

    static PlacementAnswer rejected(Refusal reason, String detail) {
        return new PlacementAnswer(null, reason, detail);
    }
}
