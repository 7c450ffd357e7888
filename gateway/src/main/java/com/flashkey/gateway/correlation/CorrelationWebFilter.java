package com.flashkey.gateway.correlation;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

import com.flashkey.gateway.config.GatewayProperties;
import com.flashkey.gateway.config.GatewayProperties.AccessLog;

import reactor.core.publisher.Mono;

/**
 * First filter of every request: takes the caller's {@code X-Request-Id} (if well formed) or makes one, joins or
 * starts the W3C trace, echoes the request id in the response, and keeps the ids as the exchange's
 * {@link Correlation}: the routed request carries them downstream (the gateway's request-headers filter writes
 * them from there), and the code that logs for a request puts them in the MDC ({@code request.id},
 * {@code trace.id}, {@code span.id}) around its log lines with {@link Correlation#mdc}. The request itself is not
 * rebuilt (a mutated copy of every request and its headers was a measurable share of a proxied request).
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class CorrelationWebFilter implements WebFilter {

    static final String REQUEST_ID = Correlation.REQUEST_ID_HEADER;

    private static final int MAX_REQUEST_ID = 64;

    private static final Logger accessLog = LoggerFactory.getLogger("com.flashkey.gateway.access");

    private final AccessLog logWhich;

    CorrelationWebFilter(GatewayProperties properties) {
        this.logWhich = properties.accessLog();
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        HttpHeaders headers = exchange.getRequest().getHeaders();
        String incoming = headers.getFirst(REQUEST_ID);
        String requestId = wellFormed(incoming) ? incoming : Traceparent.randomHex(12);
        String caller = headers.getFirst(Traceparent.HEADER);
        Traceparent trace = caller == null ? Traceparent.root()
                : Traceparent.parse(caller).map(Traceparent::child).orElseGet(Traceparent::root);
        Correlation ids = new Correlation(requestId, trace.traceId(), trace.spanId(), trace.header());
        exchange.getAttributes().put(Correlation.ATTRIBUTE, ids);
        exchange.getResponse().beforeCommit(() -> {
            exchange.getResponse().getHeaders().set(REQUEST_ID, requestId);
            return Mono.empty();
        });
        if (logWhich == AccessLog.NONE) {
            return chain.filter(exchange);
        }
        long started = System.nanoTime();
        return chain.filter(exchange).doFinally(signal -> log(exchange, ids, started));
    }

    /** {@code [A-Za-z0-9._:-]{1,64}}, checked by hand: this runs on every request. */
    static boolean wellFormed(String requestId) {
        if (requestId == null || requestId.isEmpty() || requestId.length() > MAX_REQUEST_ID) {
            return false;
        }
        for (int i = 0; i < requestId.length(); i++) {
            char c = requestId.charAt(i);
            boolean allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.'
                    || c == '_' || c == ':' || c == '-';
            if (!allowed) {
                return false;
            }
        }
        return true;
    }

    private void log(ServerWebExchange exchange, Correlation ids, long started) {
        HttpStatusCode status = exchange.getResponse().getStatusCode();
        int code = status != null ? status.value() : 0;
        if (logWhich == AccessLog.ERRORS && code > 0 && code < 400) {
            return;
        }
        try (Correlation.Scope scope = ids.mdc()) {
            accessLog.info("{} {} -> {} in {} ms", exchange.getRequest().getMethod(),
                    exchange.getRequest().getPath().value(), code, (System.nanoTime() - started) / 1_000_000);
        }
    }
}
