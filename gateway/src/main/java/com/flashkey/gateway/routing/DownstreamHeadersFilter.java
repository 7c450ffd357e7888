package com.flashkey.gateway.routing;

import java.util.List;

import org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;

import com.flashkey.gateway.correlation.Correlation;
import com.flashkey.gateway.ratelimit.ClientAddressResolver;

/**
 * What the services are told about a routed request, in one copy of its headers (the framework's own
 * {@code X-Forwarded-*} and {@code Forwarded} filters are off: each made another copy, only to drop the headers):
 * <ul>
 * <li>{@code X-Forwarded-For} holds exactly the address {@link ClientAddressResolver} concluded, whatever the client
 * sent. The gateway is the trust boundary, so the services' own per-client limits (order lookups, resend) may
 * believe this header and nothing else; without it every shopper would look like the gateway. {@code Forwarded}
 * and the other {@code X-Forwarded-*} headers a client may have written are dropped.</li>
 * <li>{@code X-Request-Id} and {@code traceparent} carry the request's {@link Correlation} ({@code tracestate}
 * passes unchanged).</li>
 * </ul>
 * Runs after the framework's other header filters.
 */
@Component
class DownstreamHeadersFilter implements HttpHeadersFilter, Ordered {

    static final String FORWARDED_FOR = "X-Forwarded-For";

    /** Written by clients or proxies we do not trust; the gateway states the client itself. */
    private static final List<String> DROPPED = List.of(FORWARDED_FOR, "Forwarded", "X-Forwarded-Host",
            "X-Forwarded-Port", "X-Forwarded-Proto", "X-Forwarded-Prefix");

    private final ClientAddressResolver clients;

    DownstreamHeadersFilter(ClientAddressResolver clients) {
        this.clients = clients;
    }

    @Override
    public HttpHeaders filter(HttpHeaders input, ServerWebExchange exchange) {
        HttpHeaders headers = HttpHeaders.copyOf(input);
        for (int i = 0; i < DROPPED.size(); i++) {
            headers.remove(DROPPED.get(i));
        }
        ClientAddressResolver.Client client = clients.client(exchange);
        if (client.address() != null) {
            headers.set(FORWARDED_FOR, client.address().getHostAddress());
        }
        Correlation ids = Correlation.of(exchange);
        if (ids != null) {
            headers.set(Correlation.REQUEST_ID_HEADER, ids.requestId());
            headers.set(Correlation.TRACEPARENT_HEADER, ids.traceparent());
        }
        return headers;
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }
}
