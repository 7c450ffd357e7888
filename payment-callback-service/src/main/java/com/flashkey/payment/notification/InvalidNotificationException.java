package com.flashkey.payment.notification;

import java.util.List;

/** A correctly signed notification whose content cannot be a payment (bad amount, order number...). */
public class InvalidNotificationException extends RuntimeException {

    private final List<String> errors;

    public InvalidNotificationException(List<String> errors) {
        super("invalid notification: " + String.join("; ", errors), null, false, false);
        this.errors = List.copyOf(errors);
    }

    public List<String> errors() {
        return errors;
    }
}
