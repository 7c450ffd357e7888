package com.flashkey.gateway.security;

import java.time.Duration;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;

/**
 * The security headers of every answer, precomputed: the same headers, values and rules as Spring Security's header
 * writers configured the way this gateway used them (cache control, nosniff, HSTS on HTTPS, frame options, XSS
 * protection off, the content security and referrer policies), written in one pass instead of a reactive chain of
 * writers inside the security filter chain on every request. {@code SecurityHeadersTests} holds them equal to Spring
 * Security's writers.
 */
final class SecurityHeaders {

    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; frame-ancestors 'none'";

    static final Duration HSTS_MAX_AGE = Duration.ofDays(365);

    private static final String HSTS = "max-age=" + HSTS_MAX_AGE.toSeconds() + " ; includeSubDomains";

    private SecurityHeaders() {
    }

    /** Writes what the answer lacks; a header the service already set is kept (as each Spring Security writer does). */
    static void write(ServerWebExchange exchange) {
        ServerHttpResponse response = exchange.getResponse();
        HttpHeaders headers = response.getHeaders();
        // Caching headers only when the answer has none of them (catalog's own Cache-Control/ETag pass), never on 304.
        if (response.getStatusCode() != HttpStatus.NOT_MODIFIED && !headers.containsHeader(HttpHeaders.CACHE_CONTROL)
                && !headers.containsHeader(HttpHeaders.PRAGMA) && !headers.containsHeader(HttpHeaders.EXPIRES)) {
            headers.set(HttpHeaders.CACHE_CONTROL, "no-cache, no-store, max-age=0, must-revalidate");
            headers.set(HttpHeaders.PRAGMA, "no-cache");
            headers.set(HttpHeaders.EXPIRES, "0");
        }
        setIfAbsent(headers, "X-Content-Type-Options", "nosniff");
        if ("https".equalsIgnoreCase(exchange.getRequest().getURI().getScheme())) {
            setIfAbsent(headers, "Strict-Transport-Security", HSTS);
        }
        setIfAbsent(headers, "X-Frame-Options", "DENY");
        setIfAbsent(headers, "X-XSS-Protection", "0");
        setIfAbsent(headers, "Content-Security-Policy", CONTENT_SECURITY_POLICY);
        setIfAbsent(headers, "Referrer-Policy", "no-referrer");
    }

    private static void setIfAbsent(HttpHeaders headers, String name, String value) {
        if (!headers.containsHeader(name)) {
            headers.set(name, value);
        }
    }
}
