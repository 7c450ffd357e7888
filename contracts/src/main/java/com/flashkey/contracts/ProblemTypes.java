package com.flashkey.contracts;

/**
 * The RFC 9457 problem types every FlashKey answer uses: {@code https://flashkey.dev/problems/<code>}, and the code
 * of a refusal that has no domain code of its own (a framework 4xx, a security refusal) by its HTTP status, so the
 * gateway and every service name the same status the same way.
 */
public final class ProblemTypes {

    public static final String BASE = "https://flashkey.dev/problems/";

    private ProblemTypes() {
    }

    /** The problem code of an answer with this status and no domain code. */
    public static String codeFor(int status) {
        return switch (status) {
            case 400, 415 -> "validation";
            case 404, 405 -> "not-found";
            case 401 -> "unauthorized";
            case 403 -> "forbidden";
            case 409 -> "conflict";
            case 413 -> "payload-too-large";
            case 429 -> "rate-limited";
            case 503 -> "unavailable";
            default -> status >= 400 && status < 500 ? "validation" : "internal";
        };
    }
}
