package com.flashkey.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;

import com.flashkey.gateway.correlation.Correlation;
import com.flashkey.gateway.ratelimit.ClientAddressResolver;

class DownstreamHeadersFilterTests {

    private final DownstreamHeadersFilter filter = new DownstreamHeadersFilter(
            ClientAddressResolver.trusting(List.of("10.0.0.0/8")));

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

    @Test
    void whenAClientSendsItsOwnForwardingHeadersThenTheyAreDropped() {
        var request = MockServerHttpRequest.get("/api/orders/X").remoteAddress(new InetSocketAddress("198.51.100.7", 40000))
            .header("Forwarded", "for=6.6.6.6").header("X-Forwarded-Host", "evil.example")
            .header("X-Forwarded-Proto", "https").header("X-Forwarded-Port", "1").header("X-Forwarded-Prefix", "/x");
        MockServerWebExchange exchange = MockServerWebExchange.from(request);
        HttpHeaders headers = filter.filter(exchange.getRequest().getHeaders(), exchange);
        assertThat(headers.headerNames()).containsExactlyInAnyOrder("X-Forwarded-For");
    }

    @Test
    void whenTheRequestHasIdsThenTheyGoDownstreamInPlaceOfTheCallersAndTracestatePasses() {
        var request = MockServerHttpRequest.get("/api/products/X").remoteAddress(new InetSocketAddress("198.51.100.7", 40000))
            .header("X-Request-Id", "bad id").header("traceparent", "garbage").header("tracestate", "a=b");
        MockServerWebExchange exchange = MockServerWebExchange.from(request);
        exchange.getAttributes().put(Correlation.class.getName(), new Correlation("req-1",
                "0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331",
                "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"));
        HttpHeaders headers = filter.filter(exchange.getRequest().getHeaders(), exchange);
        assertThat(headers.get("X-Request-Id")).containsExactly("req-1");
        assertThat(headers.get("traceparent")).containsExactly("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
        assertThat(headers.get("tracestate")).containsExactly("a=b");
    }
}
