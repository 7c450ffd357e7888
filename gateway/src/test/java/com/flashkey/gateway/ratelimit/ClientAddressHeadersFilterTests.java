package com.flashkey.gateway.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;

class ClientAddressHeadersFilterTests {

    private final ClientAddressHeadersFilter filter = new ClientAddressHeadersFilter(
            new ClientAddressResolver(List.of("10.0.0.0/8")));

    private HttpHeaders forwarded(String peer, String... forwardedFor) {
        var request = MockServerHttpRequest.get("/api/orders/X").remoteAddress(new InetSocketAddress(peer, 40000))
            .header("Accept", "application/json");
        if (forwardedFor.length > 0) {
            request.header("X-Forwarded-For", forwardedFor);
        }
        MockServerWebExchange exchange = MockServerWebExchange.from(request);
        return filter.filter(exchange.getRequest().getHeaders(), exchange);
    }

    @Test
    void whenAnUntrustedClientForgesForwardedForThenTheServiceSeesItsRealAddress() {
        HttpHeaders headers = forwarded("198.51.100.7", "203.0.113.1, 10.0.0.5");
        assertThat(headers.get("X-Forwarded-For")).containsExactly("198.51.100.7");
        assertThat(headers.getFirst("Accept")).as("other headers pass").isEqualTo("application/json");
    }

    @Test
    void whenATrustedProxyForwardsThenTheServiceSeesTheClientItNamed() {
        assertThat(forwarded("10.1.2.3", "6.6.6.6, 203.0.113.9").get("X-Forwarded-For"))
            .containsExactly("203.0.113.9");
    }

    @Test
    void whenTheClientIsOnIpv6ThenItsFullAddressIsPassedNotTheLimitKey() {
        assertThat(forwarded("2001:db8::42").getFirst("X-Forwarded-For")).isEqualTo("2001:db8:0:0:0:0:0:42");
    }
}
