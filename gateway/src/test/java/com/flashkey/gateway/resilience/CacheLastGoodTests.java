package com.flashkey.gateway.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.util.unit.DataSize;

import com.flashkey.gateway.config.GatewayProperties;

import reactor.core.publisher.Mono;

/** The last-good copy is taken once per refresh interval per path at most, and not again while its ETag holds. */
class CacheLastGoodTests {

    private final AtomicLong clock = new AtomicLong(1_000_000);

    private final LastGoodResponses lastGood = new LastGoodResponses(
            new GatewayProperties.LastGood(16, DataSize.ofKilobytes(64), Duration.ofSeconds(1), Duration.ofSeconds(1)),
            clock::get);

    private final GatewayFilter filter = new CacheLastGoodGatewayFilterFactory(lastGood).apply(new Object());

    /** One GET through the filter, answered 200 by "catalog" with this body and ETag. */
    private String answer(String body, String etag) {
        MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/api/products/SKU-1"));
        filter.filter(exchange, routed -> {
            routed.getResponse().setStatusCode(HttpStatus.OK);
            routed.getResponse().getHeaders().setContentType(MediaType.APPLICATION_JSON);
            if (etag != null) {
                routed.getResponse().getHeaders().setETag(etag);
            }
            return routed.getResponse().writeWith(Mono.just(routed.getResponse().bufferFactory()
                .wrap(body.getBytes(StandardCharsets.UTF_8))));
        }).block();
        return exchange.getResponse().getBodyAsString().block();
    }

    private String kept() {
        return lastGood.find(MockServerHttpRequest.get("/api/products/SKU-1").build())
            .map(stored -> new String(stored.body(), StandardCharsets.UTF_8))
            .orElse(null);
    }

    @Test
    void whenAnswersComeWithinTheRefreshIntervalThenOnlyTheFirstIsCopied() {
        assertThat(answer("{\"v\":1}", null)).isEqualTo("{\"v\":1}");
        assertThat(kept()).isEqualTo("{\"v\":1}");

        clock.addAndGet(500);
        assertThat(answer("{\"v\":2}", null)).as("the client still gets the live answer").isEqualTo("{\"v\":2}");
        assertThat(kept()).as("not looked at within the interval").isEqualTo("{\"v\":1}");

        clock.addAndGet(600);
        answer("{\"v\":3}", null);
        assertThat(kept()).as("without an ETag, copied again once the interval has passed").isEqualTo("{\"v\":3}");
    }

    @Test
    void whenTheETagIsUnchangedThenTheBodyIsNotCopiedAgainAndANewETagIs() {
        answer("{\"v\":1}", "\"e1\"");
        clock.addAndGet(5_000);
        // Same ETag, so (catalog promising the same representation) the kept bytes stand; the copy is skipped.
        answer("{\"v\":1,\"same\":true}", "\"e1\"");
        assertThat(kept()).isEqualTo("{\"v\":1}");

        clock.addAndGet(5_000);
        answer("{\"v\":2}", "\"e2\"");
        assertThat(kept()).isEqualTo("{\"v\":2}");
    }

    @Test
    void whenTheAnswerIsNotA200ThenNothingIsKept() {
        MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/api/products/SKU-1"));
        filter.filter(exchange, routed -> {
            routed.getResponse().setStatusCode(HttpStatus.NOT_FOUND);
            return routed.getResponse().writeWith(Mono.just(routed.getResponse().bufferFactory().wrap(new byte[] { 1 })));
        }).block();
        assertThat(kept()).isNull();
    }
}
