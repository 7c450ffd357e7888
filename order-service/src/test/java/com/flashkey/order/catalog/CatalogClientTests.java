package com.flashkey.order.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.WebClient;

import com.flashkey.order.config.OrderProperties;

/** The product cache in front of catalog, against a stand-in exchange (no server). */
class CatalogClientTests {

    /**
     * Long enough that the reads after the sleep below land between the refresh point (60%) and the TTL even on a
     * loaded machine (the test JVM also hosts the integration tests' still-running contexts).
     */
    private static final Duration TTL = Duration.ofSeconds(4);

    private static final String PRODUCT = """
            {"sku":"SKU-1","name":"one","price":"9.90","currency":"CNY","saleStartsAt":null,"saleEndsAt":null,\
            "perBuyerLimit":2,"status":"ON_SALE"}""";

    private final AtomicInteger calls = new AtomicInteger();

    private final AtomicReference<HttpStatus> answer = new AtomicReference<>(HttpStatus.OK);

    private final CatalogClient client = new CatalogClient(WebClient.builder().exchangeFunction(request -> {
        calls.incrementAndGet();
        HttpStatus status = answer.get();
        ClientResponse.Builder response = ClientResponse.create(status)
                .header(HttpHeaders.CONTENT_TYPE, MediaType.APPLICATION_JSON_VALUE);
        return Mono.just(status == HttpStatus.OK ? response.body(PRODUCT).build() : status == HttpStatus.NO_CONTENT
                ? ClientResponse.create(HttpStatus.OK).build() : response.build());
    }), properties());

    @Test
    void whenTheCachedProductPassesTheRefreshPointThenOrdersGetItAtOnceAndCatalogIsAskedInTheBackground()
            throws InterruptedException {
        assertThat(client.product("SKU-1").block().sku()).isEqualTo("SKU-1");
        assertThat(calls).hasValue(1);
        Thread.sleep(TTL.toMillis() * 3 / 4);
        // Past 60% of the TTL: the cached copy answers, and one background read renews it.
        assertThat(client.product("SKU-1").block().sku()).isEqualTo("SKU-1");
        assertThat(client.product("SKU-1").block().sku()).isEqualTo("SKU-1");
        assertThat(calls).hasValue(2);
    }

    @Test
    void whenCatalogIsDownThenTheFailureIsNotKept() {
        answer.set(HttpStatus.INTERNAL_SERVER_ERROR);
        assertThatThrownBy(() -> client.product("SKU-1").block()).isInstanceOf(CatalogUnavailableException.class);
        answer.set(HttpStatus.OK);
        assertThat(client.product("SKU-1").block().sku()).isEqualTo("SKU-1");
        assertThat(calls).hasValue(2);
    }

    @Test
    void whenCatalogAnswersWithoutABodyThenItIsUnavailableAndNothingIsKept() {
        answer.set(HttpStatus.NO_CONTENT); // the stand-in answers 200 without a body
        assertThatThrownBy(() -> client.product("SKU-1").block()).isInstanceOf(CatalogUnavailableException.class);
        answer.set(HttpStatus.OK);
        assertThat(client.product("SKU-1").block().sku()).isEqualTo("SKU-1");
    }

    @Test
    void whenTheProductDoesNotExistThenCatalogIsAskedOnceForAStormOfOrders() {
        answer.set(HttpStatus.NOT_FOUND);
        for (int i = 0; i < 20; i++) {
            assertThatThrownBy(() -> client.product("NOPE").block()).isInstanceOf(ProductNotFoundException.class);
        }
        assertThat(calls).hasValue(1);
    }

    private static OrderProperties properties() {
        OrderProperties properties = mock(OrderProperties.class);
        when(properties.catalogUrl()).thenReturn(URI.create("http://catalog.test"));
        when(properties.catalogTimeout()).thenReturn(Duration.ofSeconds(10));
        when(properties.catalogCacheTtl()).thenReturn(TTL);
        return properties;
    }
}
