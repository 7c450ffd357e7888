package com.flashkey.payment.notification;

/**
 * What became of a notification that is now durably recorded.
 *
 * @param outcome      how it was handled
 * @param notification the notification as received (for a duplicate: this copy, not the stored first copy)
 */
public record Receipt(Outcome outcome, PaymentNotification notification) {

    public enum Outcome {
        /** First copy: recorded and published. */
        ACCEPTED,
        /** A copy of a recorded notification that is published, or being published right now. */
        DUPLICATE,
        /** A copy of a recorded notification whose earlier publish failed; this copy published it. */
        REPUBLISHED,
        /** Correctly signed, but not a successful payment (e.g. an epay status other than TRADE_SUCCESS). */
        IGNORED
    }
}
