package com.flashkey.gateway.requestsize;

import org.springframework.http.HttpStatus;
import org.springframework.web.server.ResponseStatusException;

/**
 * A chunked body passed the size limit while it was being forwarded. The client's fault: circuit breakers ignore
 * it (oversized bodies must not be able to open a downstream's circuit) and it is answered 413.
 */
public class PayloadTooLargeException extends ResponseStatusException {

    public PayloadTooLargeException(long limit) {
        super(HttpStatus.PAYLOAD_TOO_LARGE, "Request body larger than " + limit + " bytes");
    }
}
