package com.flashkey.order.order.web;

import java.net.URI;
import java.time.Duration;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;

/** RFC 9457 answers with the stable {@code https://flashkey.dev/problems/<code>} types, for the advice and refusals. */
final class Problems {

    private static final String TYPE_BASE = "https://flashkey.dev/problems/";

    private Problems() {
    }

    static ResponseEntity<ProblemDetail> response(HttpStatus status, String code, String detail, Duration retryAfter) {
        ProblemDetail body = ProblemDetail.forStatusAndDetail(status, detail);
        body.setType(URI.create(TYPE_BASE + code));
        body.setTitle(status.getReasonPhrase());
        ResponseEntity.BodyBuilder builder = ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON);
        if (retryAfter != null) {
            builder.header(HttpHeaders.RETRY_AFTER, Long.toString(Math.max(1, (retryAfter.toMillis() + 999) / 1000)));
        }
        return builder.body(body);
    }
}
