package com.flashkey.gateway.correlation;

import java.util.List;
import java.util.regex.Pattern;

import io.micrometer.context.ContextRegistry;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
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
import reactor.util.context.Context;

/**
 * First filter of every request: takes the caller's {@code X-Request-Id} (if well formed) or makes one, joins or
 * starts the W3C trace, forwards both downstream, echoes the request id in the response, and puts
 * {@code request.id}, {@code trace.id} and {@code span.id} in the Reactor context, which Reactor's automatic
 * context propagation copies into the MDC for every log line written while handling the request.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class CorrelationWebFilter implements WebFilter {

    static final String REQUEST_ID = "X-Request-Id";

    static final String MDC_REQUEST_ID = "request.id";

    static final String MDC_TRACE_ID = "trace.id";

    static final String MDC_SPAN_ID = "span.id";

    private static final Pattern VALID_REQUEST_ID = Pattern.compile("[A-Za-z0-9._:-]{1,64}");

    private static final Logger accessLog = LoggerFactory.getLogger("com.flashkey.gateway.access");

    static {
        ContextRegistry registry = ContextRegistry.getInstance();
        for (String key : List.of(MDC_REQUEST_ID, MDC_TRACE_ID, MDC_SPAN_ID)) {
            registry.registerThreadLocalAccessor(key, () -> MDC.get(key), value -> MDC.put(key, value),
                    () -> MDC.remove(key));
        }
    }

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
        long started = System.nanoTime();
        return chain.filter(exchange.mutate().request(forwarded).build())
            .doFinally(signal -> log(exchange, requestId, trace, started))
            .contextWrite(Context.of(MDC_REQUEST_ID, requestId, MDC_TRACE_ID, trace.traceId(), MDC_SPAN_ID,
                    trace.spanId()));
    }

    private void log(ServerWebExchange exchange, String requestId, Traceparent trace, long started) {
        HttpStatusCode status = exchange.getResponse().getStatusCode();
        int code = status != null ? status.value() : 0;
        if (logWhich == AccessLog.NONE || (logWhich == AccessLog.ERRORS && code > 0 && code < 400)) {
            return;
        }
        MDC.put(MDC_REQUEST_ID, requestId);
        MDC.put(MDC_TRACE_ID, trace.traceId());
        MDC.put(MDC_SPAN_ID, trace.spanId());
        try {
            accessLog.info("{} {} -> {} in {} ms", exchange.getRequest().getMethod(),
                    exchange.getRequest().getPath().value(), code, (System.nanoTime() - started) / 1_000_000);
        }
        finally {
            MDC.remove(MDC_REQUEST_ID);
            MDC.remove(MDC_TRACE_ID);
            MDC.remove(MDC_SPAN_ID);
        }
    }
}
