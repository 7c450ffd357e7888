package com.flashkey.gateway.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.util.unit.DataSize;

import com.flashkey.gateway.config.GatewayProperties;

import reactor.core.publisher.Mono;

/** The gateway answers a kept catalog read itself only while it is fresh and catalog let shared caches keep it. */
class ServeFreshTests {

    private static final String PATH = "/api/products/SKU-1";

    private final AtomicLong clock = new AtomicLong(1_000_000);

    private final LastGoodResponses lastGood = new LastGoodResponses(
            new GatewayProperties.LastGood(16, DataSize.ofKilobytes(64), Duration.ofSeconds(1), Duration.ofSeconds(1)),
            clock::get);

    private final GatewayFilter keep = new CacheLastGoodGatewayFilterFactory(lastGood).apply(new Object());

    private final GatewayFilter serveFresh = new ServeFreshGatewayFilterFactory(lastGood).apply(new Object());

    private final AtomicInteger catalogCalls = new AtomicInteger();

    /** Catalog's answer, as the route writes it: 200 JSON with this body, ETag and Cache-Control. */
    private GatewayFilterChain catalog(String body, String cacheControl) {
        return routed -> {
            catalogCalls.incrementAndGet();
            routed.getResponse().setStatusCode(HttpStatus.OK);
            routed.getResponse().getHeaders().setContentType(MediaType.APPLICATION_JSON);
            routed.getResponse().getHeaders().setETag("\"v1\"");
            if (cacheControl != null) {
                routed.getResponse().getHeaders().set(HttpHeaders.CACHE_CONTROL, cacheControl);
            }
            return routed.getResponse().writeWith(Mono.just(routed.getResponse().bufferFactory()
                    .wrap(body.getBytes(StandardCharsets.UTF_8))));
        };
    }

    /** One request through the route's ServeFresh then CacheLastGood, as configured. */
    private MockServerWebExchange get(MockServerHttpRequest.BaseBuilder<?> request, String body, String cacheControl) {
        MockServerWebExchange exchange = MockServerWebExchange.from(request);
        serveFresh.filter(exchange, afterFresh -> keep.filter(afterFresh, catalog(body, cacheControl))).block();
        return exchange;
    }

    @Test
    void whenAPublicAnswerWasConfirmedWithinFreshForThenTheGatewayAnswersItWithoutCatalog() {
        get(MockServerHttpRequest.get(PATH), "{\"v\":1}", "public, max-age=5");
        assertThat(catalogCalls).hasValue(1);

        clock.addAndGet(600);
        MockServerWebExchange second = get(MockServerHttpRequest.get(PATH), "{\"v\":2}", "public, max-age=5");

        assertThat(catalogCalls).as("answered from the kept copy").hasValue(1);
        assertThat(second.getResponse().getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(second.getResponse().getBodyAsString().block()).isEqualTo("{\"v\":1}");
        assertThat(second.getResponse().getHeaders().getETag()).isEqualTo("\"v1\"");
        assertThat(second.getResponse().getHeaders().getCacheControl()).isEqualTo("public, max-age=5");
        assertThat(second.getResponse().getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_JSON);
    }

    @Test
    void whenFreshForHasPassedThenCatalogIsAskedAgain() {
        get(MockServerHttpRequest.get(PATH), "{\"v\":1}", "public, max-age=5");
        clock.addAndGet(1_000);
        MockServerWebExchange later = get(MockServerHttpRequest.get(PATH), "{\"v\":2}", "public, max-age=5");

        assertThat(catalogCalls).hasValue(2);
        assertThat(later.getResponse().getBodyAsString().block()).isEqualTo("{\"v\":2}");
    }

    @Test
    void whenCatalogForbadeSharedCachesThenEveryReadGoesToCatalog() {
        for (String cacheControl : new String[] { null, "private, max-age=5", "public, no-store",
                "no-cache, no-store, max-age=0, must-revalidate", "public" }) {
            catalogCalls.set(0);
            clock.addAndGet(5_000);
            get(MockServerHttpRequest.get(PATH), "{\"v\":1}", cacheControl);
            get(MockServerHttpRequest.get(PATH), "{\"v\":1}", cacheControl);
            assertThat(catalogCalls).as("Cache-Control: %s", cacheControl).hasValue(2);
        }
    }

    @Test
    void whenTheRequestAsksToRevalidateOrCarriesCredentialsThenItGoesToCatalog() {
        get(MockServerHttpRequest.get(PATH), "{\"v\":1}", "public, max-age=5");
        get(MockServerHttpRequest.get(PATH).header(HttpHeaders.CACHE_CONTROL, "no-cache"), "{\"v\":1}", "public, max-age=5");
        get(MockServerHttpRequest.get(PATH).header(HttpHeaders.PRAGMA, "no-cache"), "{\"v\":1}", "public, max-age=5");
        get(MockServerHttpRequest.get(PATH).header(HttpHeaders.AUTHORIZATION, "Bearer x"), "{\"v\":1}",
                "public, max-age=5");
        get(MockServerHttpRequest.head(PATH), "", "public, max-age=5");

        assertThat(catalogCalls).hasValue(5);
    }

    @Test
    void whenTheRequestNamesTheKeptETagThenItIs304WithoutCatalog() {
        get(MockServerHttpRequest.get(PATH), "{\"v\":1}", "public, max-age=5");
        MockServerWebExchange conditional = get(MockServerHttpRequest.get(PATH).ifNoneMatch("\"v1\""), "{\"v\":1}",
                "public, max-age=5");

        assertThat(catalogCalls).hasValue(1);
        assertThat(conditional.getResponse().getStatusCode()).isEqualTo(HttpStatus.NOT_MODIFIED);
        assertThat(conditional.getResponse().getHeaders().getETag()).isEqualTo("\"v1\"");
    }
}
