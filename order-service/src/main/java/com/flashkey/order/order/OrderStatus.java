package com.flashkey.order.order;

/**
 * The life of an order. Each transition is a method that answers the next status or refuses:
 * <pre>
 * PENDING_PAYMENT -> PAID -> DELIVERED
 * PENDING_PAYMENT -> EXPIRED | CANCELLED
 * PAID -> REFUND_REQUIRED                (allocation failed)
 * EXPIRED | CANCELLED -> PAID            (late payment, stock re-reserved under a new attempt)
 * EXPIRED | CANCELLED -> REFUND_REQUIRED (late payment, nothing left to reserve)
 * PENDING_PAYMENT | EXPIRED | CANCELLED -> REFUND_REQUIRED (a payment whose amount or currency is not the order's)
 * </pre>
 */
public enum OrderStatus {

    PENDING_PAYMENT, PAID, DELIVERED, EXPIRED, CANCELLED, REFUND_REQUIRED;

    /** A payment arrived in time. */
    public OrderStatus markPaid() {
        return to(PAID, this == PENDING_PAYMENT);
    }

    /** A payment arrived after expiry or cancellation and stock was reserved again. */
    public OrderStatus markPaidAfterReReservation() {
        return to(PAID, this == EXPIRED || this == CANCELLED);
    }

    /** inventory allocated the card keys. */
    public OrderStatus markDelivered() {
        return to(DELIVERED, this == PAID);
    }

    /** The deadline passed without payment. */
    public OrderStatus expire() {
        return to(EXPIRED, this == PENDING_PAYMENT);
    }

    public OrderStatus cancel() {
        return to(CANCELLED, this == PENDING_PAYMENT);
    }

    /** Money arrived but no keys can follow: allocation failed, or a late payment found nothing to reserve. */
    public OrderStatus requireRefund() {
        return to(REFUND_REQUIRED, this == PAID || this == EXPIRED || this == CANCELLED);
    }

    /**
     * A payment arrived whose amount or currency is not the order's: it pays nothing, the money must go back, and
     * the order is closed (its stock released) so it neither waits for nor expires over a payment that came.
     */
    public OrderStatus refuseMismatchedPayment() {
        return to(REFUND_REQUIRED, this == PENDING_PAYMENT || this == EXPIRED || this == CANCELLED);
    }

    /** Whether stock is no longer held for this order (a payment must re-reserve). */
    public boolean releasedStock() {
        return this == EXPIRED || this == CANCELLED;
    }

    private OrderStatus to(OrderStatus next, boolean allowed) {
        if (!allowed) {
            throw new IllegalTransitionException(this, next);
        }
        return next;
    }

    /** A transition the state machine does not allow. */
    public static final class IllegalTransitionException extends IllegalStateException {

        private final OrderStatus from;
        private final OrderStatus to;

        IllegalTransitionException(OrderStatus from, OrderStatus to) {
            super("an order in " + from + " cannot become " + to);
            this.from = from;
            this.to = to;
        }

        public OrderStatus from() {
            return from;
        }

        public OrderStatus to() {
            return to;
        }
    }
}
