package com.flashkey.gateway.correlation;

import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

import com.flashkey.gateway.config.GatewayProperties;
import com.flashkey.gateway.config.GatewayProperties.AccessLog;

import reactor.core.publisher.Mono;

/**
 * First filter of every request: takes the caller's {@code X-Request-Id} (if well formed) or makes one, joins or
 * starts the W3C trace, forwards both downstream, echoes the request id in the response, and keeps the ids as the
 * exchange's {@link Correlation}: the code that logs for a request puts them in the MDC
 * ({@code request.id}, {@code trace.id}, {@code span.id}) around its log lines with {@link Correlation#mdc}.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class CorrelationWebFilter implements WebFilter {

    static final String REQUEST_ID = "X-Request-Id";

    private static final Pattern VALID_REQUEST_ID = Pattern.compile("[A-Za-z0-9._:-]{1,64}");

    private static final Logger accessLog = LoggerFactory.getLogger("com.flashkey.gateway.access");

    private final AccessLog logWhich;

    CorrelationWebFilter(GatewayProperties properties) {
        this.logWhich = properties.accessLog();
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        ServerHttpRequest request = exchange.getRequest();
        String incoming = request.getHeaders().getFirst(REQUEST_ID);
        String requestId = incoming != null && VALID_REQUEST_ID.matcher(incoming).matches() ? incoming
                : Traceparent.randomHex(12);
        Traceparent trace = Traceparent.parse(request.getHeaders().getFirst(Traceparent.HEADER))
            .map(Traceparent::child)
            .orElseGet(Traceparent::root);
        ServerHttpRequest forwarded = request.mutate().headers(headers -> {
            headers.set(REQUEST_ID, requestId);
            headers.set(Traceparent.HEADER, trace.header());
        }).build();
        exchange.getResponse().beforeCommit(() -> {
            exchange.getResponse().getHeaders().set(REQUEST_ID, requestId);
            return Mono.empty();
        });
        Correlation ids = new Correlation(requestId, trace.traceId(), trace.spanId());
        exchange.getAttributes().put(Correlation.ATTRIBUTE, ids);
        long started = System.nanoTime();
        return chain.filter(exchange.mutate().request(forwarded).build())
            .doFinally(signal -> log(exchange, ids, started));
    }

    private void log(ServerWebExchange exchange, Correlation ids, long started) {
        HttpStatusCode status = exchange.getResponse().getStatusCode();
        int code = status != null ? status.value() : 0;
        if (logWhich == AccessLog.NONE || (logWhich == AccessLog.ERRORS && code > 0 && code < 400)) {
            return;
        }
        try (Correlation.Scope scope = ids.mdc()) {
            accessLog.info("{} {} -> {} in {} ms", exchange.getRequest().getMethod(),
                    exchange.getRequest().getPath().value(), code, (System.nanoTime() - started) / 1_000_000);
        }
    }
}
