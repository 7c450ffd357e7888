package com.flashkey.order.idempotency;

/** The Idempotency-Key was used before with a different request body. */
public final class IdempotencyMismatchException extends RuntimeException {

    public IdempotencyMismatchException() {
        super("this Idempotency-Key was already used with a different request");
    }
}
