package com.flashkey.order.order.web;

import java.time.Duration;

/** Too many requests from this client (or for this order) in the current window. */
final class RateLimitedException extends RuntimeException {

    private final Duration retryAfter;

    RateLimitedException(Duration retryAfter) {
        super("too many requests, retry later");
        this.retryAfter = retryAfter;
    }

    Duration retryAfter() {
        return retryAfter;
    }
}
