package com.flashkey.gateway.security;

import java.util.List;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

import reactor.core.publisher.Mono;

/**
 * Security headers on every answer ({@link SecurityHeaders}), written just before the answer is sent, on public and
 * admin paths alike, outside the security filter chain (which runs on admin paths only). A cross-origin answer
 * carries {@code Access-Control-Allow-Origin} and {@code -Allow-Credentials} once even when the service answered CORS
 * too: the gateway's own values (the first ones) win.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 15)
class EdgeHeadersWebFilter implements WebFilter {

    private static final List<String> CORS_ANSWER_HEADERS = List.of(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN,
            HttpHeaders.ACCESS_CONTROL_ALLOW_CREDENTIALS);

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        boolean crossOrigin = exchange.getRequest().getHeaders().containsHeader(HttpHeaders.ORIGIN);
        exchange.getResponse().beforeCommit(() -> {
            SecurityHeaders.write(exchange);
            if (crossOrigin) {
                retainFirst(exchange.getResponse().getHeaders());
            }
            return Mono.empty();
        });
        return chain.filter(exchange);
    }

    private static void retainFirst(HttpHeaders headers) {
        for (String name : CORS_ANSWER_HEADERS) {
            List<String> values = headers.get(name);
            if (values != null && values.size() > 1) {
                headers.set(name, values.get(0));
            }
        }
    }
}
