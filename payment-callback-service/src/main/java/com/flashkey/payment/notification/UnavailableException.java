package com.flashkey.payment.notification;

/** The database or Kafka cannot take a notification now; the provider must retry (503). */
public class UnavailableException extends RuntimeException {

    public UnavailableException(String dependency, Throwable cause) {
        // No stack trace: the cause says what failed, and an outage makes one per callback.
        super(dependency + " unavailable: " + cause.getClass().getSimpleName(), cause, false, false);
    }
}
