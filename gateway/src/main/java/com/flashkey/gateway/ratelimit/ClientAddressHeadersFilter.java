package com.flashkey.gateway.ratelimit;

import java.net.InetAddress;

import org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;

/**
 * Tells the services who the client is: {@code X-Forwarded-For} on every routed request holds exactly the address
 * {@link ClientAddressResolver} concluded, whatever the client sent. The gateway is the trust boundary, so the
 * services' own per-client limits (order lookups, resend) may believe this header and nothing else. Without it the
 * framework drops the header (no trusted proxies are set for it) and every shopper looks like the gateway: one
 * shared bucket for the whole shop. Runs after the framework's own header filters.
 */
@Component
class ClientAddressHeadersFilter implements HttpHeadersFilter, Ordered {

    static final String FORWARDED_FOR = ClientAddressResolver.FORWARDED_FOR;

    private final ClientAddressResolver clients;

    ClientAddressHeadersFilter(ClientAddressResolver clients) {
        this.clients = clients;
    }

    @Override
    public HttpHeaders filter(HttpHeaders input, ServerWebExchange exchange) {
        InetAddress client = clients.clientAddress(exchange.getRequest());
        HttpHeaders headers = new HttpHeaders();
        headers.putAll(input);
        headers.remove(FORWARDED_FOR);
        headers.remove("Forwarded");
        if (client != null) {
            headers.set(FORWARDED_FOR, client.getHostAddress());
        }
        return headers;
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }
}
