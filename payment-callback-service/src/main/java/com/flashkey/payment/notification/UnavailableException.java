package com.flashkey.payment.notification;

/** The database or Kafka cannot take a notification now; the provider must retry (503). */
public class UnavailableException extends RuntimeException {

    public UnavailableException(String dependency, Throwable cause) {
        super(dependency + " unavailable: " + cause.getClass().getSimpleName(), cause);
    }
}
