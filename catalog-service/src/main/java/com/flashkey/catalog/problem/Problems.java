package com.flashkey.catalog.problem;

import java.net.URI;

import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;

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

    private static final String BASE = "https://flashkey.dev/problems/";

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
}
