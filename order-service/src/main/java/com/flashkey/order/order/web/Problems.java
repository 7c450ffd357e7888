package com.flashkey.order.order.web;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.ErrorResponse;

import com.flashkey.contracts.ProblemTypes;

/** RFC 9457 answers with the stable {@code https://flashkey.dev/problems/<code>} types, for the advice and refusals. */
final class Problems {

    private static final String TYPE_BASE = ProblemTypes.BASE;

    static final String VALIDATION = "validation";

    /** The detail of a validation problem that lists its errors. */
    static final String INVALID = "the request is invalid";

    /** The detail of a body that cannot be read (malformed JSON, none at all, or too large). */
    static final String UNREADABLE = "the request could not be read";

    private Problems() {
    }

    static ResponseEntity<ProblemDetail> response(HttpStatus status, String code, String detail, Duration retryAfter) {
        ResponseEntity.BodyBuilder builder = ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON);
        if (retryAfter != null) {
            builder.header(HttpHeaders.RETRY_AFTER, Long.toString(Math.max(1, (retryAfter.toMillis() + 999) / 1000)));
        }
        return builder.body(of(status, code, detail));
    }

    static ProblemDetail of(HttpStatus status, String code, String detail) {
        ProblemDetail body = ProblemDetail.forStatusAndDetail(status, detail);
        body.setType(URI.create(type(code)));
        body.setTitle(status.getReasonPhrase());
        return body;
    }

    /** A framework refusal ({@link #codeFor}) with its own status, headers (Allow, Accept) and Spring's detail. */
    static ResponseEntity<ProblemDetail> framework(ErrorResponse ex) {
        HttpStatusCode status = ex.getStatusCode();
        HttpStatus known = HttpStatus.resolve(status.value());
        String reason = known == null ? status.toString() : known.getReasonPhrase();
        String detail = ex.getBody().getDetail();
        ProblemDetail body = ProblemDetail.forStatusAndDetail(status, detail == null ? reason : detail);
        body.setType(URI.create(type(codeFor(status))));
        body.setTitle(reason);
        return ResponseEntity.status(status).headers(ex.getHeaders()).contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(body);
    }

    /** A 400 {@code validation} problem listing what is wrong. */
    static ProblemDetail invalid(String detail, List<Map<String, String>> errors) {
        ProblemDetail body = of(HttpStatus.BAD_REQUEST, VALIDATION, detail);
        body.setProperty("errors", errors);
        return body;
    }

    /** A required parameter or header is absent. */
    static ProblemDetail missing(String name) {
        return invalid(name + " is required", List.of(fieldError(name, "required")));
    }

    /** One entry of a validation problem's {@code errors}. */
    static Map<String, String> fieldError(String field, String message) {
        return Map.of("field", field, "message", message);
    }

    static String type(String code) {
        return TYPE_BASE + code;
    }

    /**
     * The code of a framework refusal that keeps its own status (wrong method, media type or Accept, no route, an
     * unreadable request, a body too large). The same table in every service.
     */
    static String codeFor(HttpStatusCode status) {
        return ProblemTypes.codeFor(status.value());
    }
}
