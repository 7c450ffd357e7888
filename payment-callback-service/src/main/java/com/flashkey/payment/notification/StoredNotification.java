package com.flashkey.payment.notification;

import java.time.Instant;

/** A row of payment_notifications. */
public record StoredNotification(long id, PaymentNotification notification, State state, Instant leaseUntil) {

    public enum State {
        RECEIVED, PUBLISHED
    }

    boolean publishInFlight(Instant now) {
        return leaseUntil != null && leaseUntil.isAfter(now);
    }
}
