package com.flashkey.order.inventory;

import java.time.Duration;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.reactor.circuitbreaker.operator.CircuitBreakerOperator;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientResponseException;

import com.flashkey.order.config.OrderProperties;

/**
 * inventory-service's internal reservation API. Both calls are idempotent (reserve per orderNo and attempt, release
 * per orderNo), so they may be retried; each has a timeout and they share one circuit breaker.
 */
@Component
public class InventoryClient {

    private static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(1);

    private final WebClient web;
    private final Duration timeout;
    private final CircuitBreaker breaker;

    InventoryClient(WebClient.Builder builder, OrderProperties properties) {
        this.web = builder.clone().baseUrl(properties.inventoryUrl().toString()).build();
        this.timeout = properties.inventoryTimeout();
        this.breaker = CircuitBreaker.of("inventory", CircuitBreakerConfig.custom().slidingWindowSize(50)
                .minimumNumberOfCalls(20).failureRateThreshold(50).waitDurationInOpenState(Duration.ofSeconds(2))
                .build());
    }

    /** Reserves stock; a business refusal is an outcome, an outage is {@link InventoryUnavailableException}. */
    public Mono<Reservation> reserve(ReservationRequest request) {
        return web.post().uri("/internal/reservations").bodyValue(request).retrieve().bodyToMono(Reservation.class)
                // An answer without a body is no answer: never let it turn into an empty (200, nothing placed) reply.
                .switchIfEmpty(Mono.error(() -> new IllegalStateException("inventory answered without a reservation")))
                .timeout(timeout)
                .transformDeferred(CircuitBreakerOperator.of(breaker))
                .onErrorMap(ex -> new InventoryUnavailableException(request.orderNo(), retryAfter(ex), ex));
    }

    /**
     * Releases whatever is reserved for the order (idempotent). Naming the SKU lets inventory release even a
     * reservation that has not arrived yet: a reserve that lands after this release reserves nothing. Retried
     * briefly: a release that never arrives leaves stock held until inventory's own deadline.
     */
    public Mono<Boolean> release(String orderNo, String sku) {
        return web.delete().uri("/internal/reservations/{orderNo}?sku={sku}", orderNo, sku).retrieve()
                .bodyToMono(Released.class)
                .timeout(timeout).map(Released::released)
                .retryWhen(Retry.backoff(2, Duration.ofMillis(50)).jitter(0.5))
                .onErrorMap(ex -> new InventoryUnavailableException(orderNo, DEFAULT_RETRY_AFTER, ex));
    }

    /**
     * Forgets the failures the breaker has counted so far. For the start-up warm-up: its calls ran on a cold JVM
     * (and may have waited for inventory to start), so they say nothing about inventory now.
     */
    public void forgetFailures() {
        breaker.reset();
    }

    private static Duration retryAfter(Throwable ex) {
        if (ex instanceof WebClientResponseException response) {
            String header = response.getHeaders().getFirst(HttpHeaders.RETRY_AFTER);
            if (header != null && header.matches("\\d{1,4}")) {
                return Duration.ofSeconds(Long.parseLong(header));
            }
        }
        return DEFAULT_RETRY_AFTER;
    }

    record Released(String orderNo, boolean released) {
    }
}
