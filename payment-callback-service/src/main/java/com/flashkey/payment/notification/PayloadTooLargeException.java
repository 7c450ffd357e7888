package com.flashkey.payment.notification;

import org.springframework.util.unit.DataSize;

/** A webhook body larger than the configured limit; refused before it is parsed. */
public class PayloadTooLargeException extends RuntimeException {

    public PayloadTooLargeException(DataSize limit) {
        super("body larger than " + limit.toBytes() + " bytes", null, false, false);
    }
}
