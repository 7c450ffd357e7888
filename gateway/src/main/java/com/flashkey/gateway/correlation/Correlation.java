package com.flashkey.gateway.correlation;

import org.slf4j.MDC;
import org.springframework.web.server.ServerWebExchange;

/**
 * The ids of one request: its {@code X-Request-Id} and the W3C trace and span the gateway forwards. Kept as an
 * exchange attribute, and put in the MDC only around the log lines written for the request ({@link #mdc}): copying
 * them into the MDC on every Reactor operator (automatic context propagation) cost more CPU than the rest of the
 * proxying, for the few lines that are ever written.
 *
 * @param requestId the caller's well-formed X-Request-Id, or one made by the gateway
 * @param traceId the W3C trace joined or started
 * @param spanId the gateway's span, the parent of the downstream call
 * @param traceparent the W3C {@code traceparent} header the downstream call carries
 */
public record Correlation(String requestId, String traceId, String spanId, String traceparent) {

    /** Request header of the request id (also echoed in every answer). */
    public static final String REQUEST_ID_HEADER = "X-Request-Id";

    /** Request header of the W3C trace context. */
    public static final String TRACEPARENT_HEADER = Traceparent.HEADER;

    static final String ATTRIBUTE = Correlation.class.getName();

    static final String MDC_REQUEST_ID = "request.id";

    static final String MDC_TRACE_ID = "trace.id";

    static final String MDC_SPAN_ID = "span.id";

    /**
     * Puts the exchange's ids in the MDC until the returned scope is closed, then restores what was there (a log
     * line written inside another request's scope on the same thread keeps that request's ids). A no-op for an
     * exchange that never passed the correlation filter.
     */
    /** The exchange's ids, or null for an exchange that never passed the correlation filter. */
    public static Correlation of(ServerWebExchange exchange) {
        return exchange.getAttribute(ATTRIBUTE);
    }

    public static Scope mdc(ServerWebExchange exchange) {
        Correlation ids = exchange.getAttribute(ATTRIBUTE);
        return ids != null ? ids.mdc() : Scope.NONE;
    }

    Scope mdc() {
        String[] previous = { MDC.get(MDC_REQUEST_ID), MDC.get(MDC_TRACE_ID), MDC.get(MDC_SPAN_ID) };
        MDC.put(MDC_REQUEST_ID, requestId);
        MDC.put(MDC_TRACE_ID, traceId);
        MDC.put(MDC_SPAN_ID, spanId);
        return () -> {
            restore(MDC_REQUEST_ID, previous[0]);
            restore(MDC_TRACE_ID, previous[1]);
            restore(MDC_SPAN_ID, previous[2]);
        };
    }

    private static void restore(String key, String value) {
        if (value == null) {
            MDC.remove(key);
        }
        else {
            MDC.put(key, value);
        }
    }

    /** The ids in the MDC; closing takes them out again. */
    @FunctionalInterface
    public interface Scope extends AutoCloseable {

        Scope NONE = () -> {
        };

        @Override
        void close();
    }
}
