package com.flashkey.gateway.problem;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;

import com.flashkey.contracts.ProblemTypes;

import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes RFC 9457 problem answers and small JSON bodies straight to a response, for filters that answer without
 * a controller (rate limits, shedding, fallbacks, security).
 */
public final class Problems {

    public static final String TYPE_BASE = ProblemTypes.BASE;

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private Problems() {
    }

    /** 503 {@code unavailable} with Retry-After (whole seconds, at least 1). */
    public static Mono<Void> unavailable(ServerWebExchange exchange, Duration retryAfter, String detail) {
        exchange.getResponse().getHeaders().set(HttpHeaders.RETRY_AFTER, Long.toString(retryAfterSeconds(retryAfter)));
        return write(exchange, HttpStatus.SERVICE_UNAVAILABLE, "unavailable", "Service unavailable", detail);
    }

    public static long retryAfterSeconds(Duration retryAfter) {
        long millis = Math.max(0, retryAfter.toMillis());
        return Math.max(1, (millis + 999) / 1000);
    }

    public static Mono<Void> write(ServerWebExchange exchange, HttpStatus status, String code, String title,
            String detail) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", TYPE_BASE + code);
        body.put("title", title);
        body.put("status", status.value());
        body.put("detail", detail);
        body.put("instance", exchange.getRequest().getPath().value());
        return writeJson(exchange.getResponse(), status, MediaType.APPLICATION_PROBLEM_JSON, body);
    }

    public static Mono<Void> writeJson(ServerHttpResponse response, HttpStatus status, MediaType type, Object body) {
        return writeBytes(response, status, type, JSON.writeValueAsBytes(body));
    }

    public static Mono<Void> writeBytes(ServerHttpResponse response, HttpStatus status, MediaType type, byte[] bytes) {
        if (response.isCommitted()) {
            return Mono.empty();
        }
        response.setStatusCode(status);
        response.getHeaders().setContentType(type);
        response.getHeaders().setContentLength(bytes.length);
        DataBuffer buffer = response.bufferFactory().wrap(bytes);
        return response.writeWith(Mono.just(buffer));
    }
}
