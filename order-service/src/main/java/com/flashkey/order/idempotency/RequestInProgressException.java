package com.flashkey.order.idempotency;

/** Another request with the same Idempotency-Key is still running and did not finish while we waited. */
public final class RequestInProgressException extends RuntimeException {

    public RequestInProgressException() {
        super("a request with this Idempotency-Key is still in progress");
    }
}
