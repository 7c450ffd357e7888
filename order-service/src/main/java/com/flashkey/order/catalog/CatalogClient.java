package com.flashkey.order.catalog;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.reactor.circuitbreaker.operator.CircuitBreakerOperator;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientResponseException;

import com.flashkey.order.config.OrderProperties;

/**
 * Products from catalog-service, each reused for {@code catalog-cache-ttl}: a flash sale asks for one SKU thousands of
 * times a second and the window and limit do not change that fast. Calls have a timeout and one circuit breaker
 * (created once), so a slow catalog fails fast instead of holding every order request.
 */
@Component
public class CatalogClient {

    /** Bounds the cache so random SKUs cannot grow it without end. */
    private static final int MAX_CACHED = 10_000;

    private final WebClient web;
    private final Duration timeout;
    private final Duration ttl;
    private final Duration notFoundTtl;
    private final CircuitBreaker breaker;
    private final Map<String, Mono<Product>> cache = new ConcurrentHashMap<>();

    CatalogClient(WebClient.Builder builder, OrderProperties properties) {
        this.web = builder.clone().baseUrl(properties.catalogUrl().toString()).build();
        this.timeout = properties.catalogTimeout();
        this.ttl = properties.catalogCacheTtl();
        this.notFoundTtl = ttl.compareTo(Duration.ofSeconds(1)) < 0 ? ttl : Duration.ofSeconds(1);
        this.breaker = CircuitBreaker.of("catalog", CircuitBreakerConfig.custom().slidingWindowSize(20)
                .minimumNumberOfCalls(10).failureRateThreshold(50).waitDurationInOpenState(Duration.ofSeconds(5))
                .ignoreExceptions(ProductNotFoundException.class).build());
    }

    /** The product, from cache when fresh; fails with {@link ProductNotFoundException} or {@link CatalogUnavailableException}. */
    public Mono<Product> product(String sku) {
        if (cache.size() > MAX_CACHED) {
            cache.clear();
        }
        return cache.computeIfAbsent(sku, this::cachedFetch);
    }

    private Mono<Product> cachedFetch(String sku) {
        // Successes live for the TTL; "no such product" for a second, so a storm of orders for an unknown SKU (a typo,
        // a bot, the start-up warm-up) asks catalog once a second, not once a request; outages are not cached, so
        // the next request asks again (through the breaker).
        return fetch(sku).cache(product -> ttl,
                error -> error instanceof ProductNotFoundException ? notFoundTtl : Duration.ZERO, () -> Duration.ZERO);
    }

    /**
     * Forgets the failures the breaker has counted so far. For the start-up warm-up: its calls ran on a cold JVM
     * while the peers were starting too, so they say nothing about catalog now and must not keep the breaker open.
     */
    public void forgetFailures() {
        breaker.reset();
    }

    private Mono<Product> fetch(String sku) {
        return web.get().uri("/api/products/{sku}", sku).retrieve().bodyToMono(Product.class).timeout(timeout)
                .onErrorMap(WebClientResponseException.class,
                        ex -> ex.getStatusCode().value() == HttpStatus.NOT_FOUND.value()
                                ? new ProductNotFoundException(sku) : ex)
                .transformDeferred(CircuitBreakerOperator.of(breaker))
                .onErrorMap(ex -> !(ex instanceof ProductNotFoundException), ex -> new CatalogUnavailableException(sku, ex));
    }
}
