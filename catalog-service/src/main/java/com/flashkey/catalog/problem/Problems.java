package com.flashkey.catalog.problem;

import java.net.URI;
import java.util.List;
import java.util.concurrent.TimeoutException;

import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;

import com.flashkey.contracts.ProblemTypes;

/** Builds problems whose {@code type} is {@code https://flashkey.dev/problems/<code>}. */
public final class Problems {

    public static final String VALIDATION = "validation";
    public static final String NOT_FOUND = "not-found";
    public static final String CONFLICT = "conflict";
    public static final String UNAUTHORIZED = "unauthorized";
    public static final String FORBIDDEN = "forbidden";
    public static final String UNAVAILABLE = "unavailable";
    public static final String PAYLOAD_TOO_LARGE = "payload-too-large";
    /** Anything unexpected: the detail never carries the cause, the log does. */
    public static final String INTERNAL = "internal";

    /** Seconds a client should wait after a 503 before it retries. */
    public static final String RETRY_AFTER_SECONDS = "1";

    private static final String BASE = ProblemTypes.BASE;

    private Problems() {
    }

    public static URI type(String code) {
        return URI.create(BASE + code);
    }

    public static ProblemDetail of(HttpStatusCode status, String code, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setType(type(code));
        return problem;
    }

    /** A {@code validation} problem listing the bad fields as {@code errors: [{field, message}]}. */
    public static ProblemDetail validation(List<FieldViolation> violations) {
        ProblemDetail problem = of(HttpStatus.BAD_REQUEST, VALIDATION, "The request has invalid fields");
        problem.setProperty("errors", violations);
        return problem;
    }

    /** Answered with {@code Retry-After} ({@link #RETRY_AFTER_SECONDS}) when {@link #isOutage} holds. */
    public static ProblemDetail unavailable() {
        return of(HttpStatus.SERVICE_UNAVAILABLE, UNAVAILABLE, "The catalog is temporarily unavailable; retry shortly");
    }

    /** Anything unexpected: the detail never carries the cause. */
    public static ProblemDetail internal() {
        return of(HttpStatus.INTERNAL_SERVER_ERROR, INTERNAL, "Unexpected failure; it has been logged");
    }

    /**
     * The database is down, slow or out of connections: a 503 the client may retry, never a 500 (the failures
     * {@code ProblemHandler#unavailable} handles).
     */
    public static boolean isOutage(Throwable failure) {
        return failure instanceof DataAccessResourceFailureException || failure instanceof TransientDataAccessException
                || failure instanceof TimeoutException;
    }
}
