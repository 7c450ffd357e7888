package com.flashkey.order.catalog;

import java.time.Duration;

import com.github.benmanes.caffeine.cache.AsyncLoadingCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
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
 * times a second and the window and limit do not change that fast. A product is re-read in the background once it is
 * older than {@value #REFRESH_PERCENT}% of the TTL, so orders keep using the cached copy (never older than the TTL)
 * instead of all waiting for catalog each time the TTL runs out. Calls have a timeout and one circuit breaker
 * (created once), so a slow catalog fails fast instead of holding every order request.
 */
@Component
public class CatalogClient {

    /** Bounds the cache so random SKUs cannot grow it without end. */
    private static final int MAX_CACHED = 10_000;

    /** Age, in percent of the TTL, from which a read also starts a background refresh. */
    private static final int REFRESH_PERCENT = 60;

    private final WebClient web;
    private final Duration timeout;
    private final CircuitBreaker breaker;
    private final AsyncLoadingCache<String, Lookup> cache;

    CatalogClient(WebClient.Builder builder, OrderProperties properties) {
        this.web = builder.clone().baseUrl(properties.catalogUrl().toString()).build();
        this.timeout = properties.catalogTimeout();
        Duration ttl = properties.catalogCacheTtl();
        Duration notFoundTtl = ttl.compareTo(Duration.ofSeconds(1)) < 0 ? ttl : Duration.ofSeconds(1);
        this.breaker = CircuitBreaker.of("catalog", CircuitBreakerConfig.custom().slidingWindowSize(20)
                .minimumNumberOfCalls(10).failureRateThreshold(50).waitDurationInOpenState(Duration.ofSeconds(5))
                .ignoreExceptions(ProductNotFoundException.class).build());
        // Successes live for the TTL; "no such product" for a second, so a storm of orders for an unknown SKU (a typo,
        // a bot, the start-up warm-up) asks catalog once a second, not once a request; an outage expires at once, so
        // the next request asks again (through the breaker), and a failed background refresh leaves things as if
        // there had been none. Failures are answers of the load rather than failed futures, which Caffeine would log
        // one by one. The loads are non-blocking, so they run on the calling thread.
        this.cache = Caffeine.newBuilder().maximumSize(MAX_CACHED).executor(Runnable::run)
                .expireAfter(Expiry.<String, Lookup>writing((sku, lookup) -> lookup.product() != null ? ttl
                        : lookup.failure() instanceof ProductNotFoundException ? notFoundTtl : Duration.ZERO))
                .refreshAfterWrite(ttl.multipliedBy(REFRESH_PERCENT).dividedBy(100))
                .buildAsync((sku, executor) -> fetch(sku).map(product -> new Lookup(product, null))
                        .onErrorResume(ex -> Mono.just(new Lookup(null, ex)))
                        .toFuture());
    }

    /** The product, from cache when fresh; fails with {@link ProductNotFoundException} or {@link CatalogUnavailableException}. */
    public Mono<Product> product(String sku) {
        // Cancellation is not passed on: the load is shared by every request for the SKU.
        return Mono.fromFuture(cache.get(sku), true).flatMap(lookup -> lookup.failure() != null
                ? Mono.error(lookup.failure()) : Mono.just(lookup.product()));
    }

    /**
     * Forgets the failures the breaker has counted so far. For the start-up warm-up: its calls ran on a cold JVM
     * while the peers were starting too, so they say nothing about catalog now and must not keep the breaker open.
     */
    public void forgetFailures() {
        breaker.reset();
    }

    /** What one load found: the product, or why there is none (not found, or catalog unavailable). */
    private record Lookup(Product product, Throwable failure) {
    }

    private Mono<Product> fetch(String sku) {
        return web.get().uri("/api/products/{sku}", sku).retrieve().bodyToMono(Product.class)
                .switchIfEmpty(Mono.error(() -> new IllegalStateException("catalog answered without a product")))
                .timeout(timeout)
                .onErrorMap(WebClientResponseException.class,
                        ex -> ex.getStatusCode().value() == HttpStatus.NOT_FOUND.value()
                                ? new ProductNotFoundException(sku) : ex)
                .transformDeferred(CircuitBreakerOperator.of(breaker))
                .onErrorMap(ex -> !(ex instanceof ProductNotFoundException), ex -> new CatalogUnavailableException(sku, ex));
    }
}
