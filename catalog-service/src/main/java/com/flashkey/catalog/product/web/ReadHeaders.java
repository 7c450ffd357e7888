package com.flashkey.catalog.product.web;

import org.springframework.http.HttpHeaders;

/**
 * The headers Spring Security's defaults wrote on the public reads while they ran through its filter chain. The
 * chain now covers only the admin and protected actuator paths, so the reads write the same constant set
 * themselves.
 */
final class ReadHeaders {

    private ReadHeaders() {
    }

    static void secure(HttpHeaders headers) {
        headers.set("X-Content-Type-Options", "nosniff");
        headers.set("X-Frame-Options", "DENY");
        headers.set("X-XSS-Protection", "0");
        headers.set("Referrer-Policy", "no-referrer");
    }

    /** Problem answers are never stored, as Spring Security's defaults wrote on answers without a Cache-Control. */
    static void secureNoStore(HttpHeaders headers) {
        secure(headers);
        headers.set(HttpHeaders.CACHE_CONTROL, "no-cache, no-store, max-age=0, must-revalidate");
        headers.set(HttpHeaders.PRAGMA, "no-cache");
        headers.set(HttpHeaders.EXPIRES, "0");
    }
}
