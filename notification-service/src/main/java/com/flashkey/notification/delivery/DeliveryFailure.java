package com.flashkey.notification.delivery;

/**
 * A delivery that did not happen. Messages name the order and the cause class only: never a code, never an address.
 * {@link Permanent} goes to the dead-letter topic at once; {@link Transient} is retried with back-off first.
 */
public abstract sealed class DeliveryFailure extends RuntimeException
        permits DeliveryFailure.Permanent, DeliveryFailure.Transient {

    private final String reason;

    DeliveryFailure(String reason, String message, Throwable cause) {
        super(message, cause, false, true);
        this.reason = reason;
    }

    /** A short, stable code for metrics and the notification.failed event, e.g. {@code invalid-address}. */
    public String reason() {
        return reason;
    }

    /** Retrying cannot help: an invalid address, a 5xx SMTP reply, codes that do not open. */
    public static final class Permanent extends DeliveryFailure {

        public Permanent(String reason, String orderNo, Throwable cause) {
            super(reason, "delivery of order " + orderNo + " failed permanently: " + reason, cause);
        }
    }

    /** Retrying may help: the SMTP server is down or answered 4xx, a provider timed out, a claim is in flight. */
    public static final class Transient extends DeliveryFailure {

        public Transient(String reason, String orderNo, Throwable cause) {
            super(reason, "delivery of order " + orderNo + " failed for now: " + reason, cause);
        }
    }
}
