package com.flashkey.gateway.resilience;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;

import com.flashkey.gateway.problem.Problems;

import reactor.core.publisher.Mono;
import reactor.netty.Connection;

/** Writes a route's fallback answer in place of the downstream's (used by breakers and the degradation switch). */
@Component
public class Fallbacks {

    /** Response header naming the degraded answer: {@code cached} or {@code stock-unknown}. */
    public static final String DEGRADED_HEADER = "X-FlashKey-Degraded";

    private final LastGoodResponses lastGood;

    Fallbacks(LastGoodResponses lastGood) {
        this.lastGood = lastGood;
    }

    public Mono<Void> answer(Fallback fallback, ServerWebExchange exchange, Duration retryAfter, String detail) {
        discardDownstreamResponse(exchange);
        exchange.getAttributes().put(DownstreamGatewayFilterFactory.ANSWERED_BY_GATEWAY, Boolean.TRUE);
        ServerHttpResponse response = exchange.getResponse();
        return switch (fallback) {
            case UNAVAILABLE -> Problems.unavailable(exchange, retryAfter, detail);
            case STOCK_UNKNOWN -> {
                response.getHeaders().set(DEGRADED_HEADER, "stock-unknown");
                response.getHeaders().setCacheControl("no-store");
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("sku", skuOf(exchange.getRequest().getPath().value()));
                body.put("available", null);
                body.put("status", "UNKNOWN");
                yield Problems.writeJson(response, HttpStatus.OK, MediaType.APPLICATION_JSON, body);
            }
            case CACHED -> lastGood.find(exchange.getRequest()).map(stored -> {
                response.getHeaders().set(DEGRADED_HEADER, "cached");
                response.getHeaders().setCacheControl("no-store");
                if (stored.contentEncoding() != null) {
                    response.getHeaders().set(HttpHeaders.CONTENT_ENCODING, stored.contentEncoding());
                }
                MediaType type = stored.contentType() != null ? MediaType.parseMediaType(stored.contentType())
                        : MediaType.APPLICATION_JSON;
                return Problems.writeBytes(response, HttpStatus.OK, type, stored.body());
            }).orElseGet(() -> Problems.unavailable(exchange, retryAfter, detail));
        };
    }

    /** /api/products/{sku}/stock -> sku. */
    static String skuOf(String path) {
        String[] segments = path.split("/");
        return segments.length >= 4 ? segments[3] : "";
    }

    /**
     * The routing filter may already hold the downstream's answer (a 5xx): drop its connection and the headers it
     * copied, so the response writer does not send that body after ours.
     */
    private static void discardDownstreamResponse(ServerWebExchange exchange) {
        Connection connection = exchange.getAttribute(ServerWebExchangeUtils.CLIENT_RESPONSE_CONN_ATTR);
        if (connection != null) {
            exchange.getAttributes().remove(ServerWebExchangeUtils.CLIENT_RESPONSE_CONN_ATTR);
            connection.dispose();
        }
        Set<String> copied = exchange.getAttribute(ServerWebExchangeUtils.CLIENT_RESPONSE_HEADER_NAMES);
        if (copied != null && !exchange.getResponse().isCommitted()) {
            copied.forEach(name -> exchange.getResponse().getHeaders().remove(name));
        }
    }
}
