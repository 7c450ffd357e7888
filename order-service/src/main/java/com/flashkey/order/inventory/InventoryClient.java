package com.flashkey.order.inventory;

import java.time.Duration;
import java.util.List;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
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
 * inventory-service's internal reservation API. Reservations travel in batches ({@link ReserveBatcher}: concurrent
 * orders share one {@code POST /internal/reservations:batch}); releases one by one. Both are idempotent (reserve per
 * orderNo and attempt, release per orderNo), so they may be retried; each has a timeout and they share one circuit
 * breaker, which counts batches.
 */
@Component
public class InventoryClient {

    private static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(1);

    /** Reservations that may wait for a batch at once; beyond that an order is refused at once (503). */
    private static final int MAX_QUEUED = 10_000;

    private final WebClient web;
    private final Duration timeout;
    private final CircuitBreaker breaker;
    private final ReserveBatcher<BatchItem> batcher;

    InventoryClient(WebClient.Builder builder, OrderProperties properties) {
        this.web = builder.clone().baseUrl(properties.inventoryUrl().toString()).build();
        this.timeout = properties.inventoryTimeout();
        this.breaker = CircuitBreaker.of("inventory", CircuitBreakerConfig.custom().slidingWindowSize(50)
                .minimumNumberOfCalls(20).failureRateThreshold(50).waitDurationInOpenState(Duration.ofSeconds(2))
                .build());
        OrderProperties.ReserveBatch batch = properties.reserveBatch();
        this.batcher = new ReserveBatcher<>(batch.maxSize(), batch.maxInFlight(), MAX_QUEUED, this::send,
                request -> new InventoryUnavailableException(request.orderNo(), DEFAULT_RETRY_AFTER,
                        new IllegalStateException("too many reservations waiting for inventory"), false));
    }

    /**
     * Reserves stock; a business refusal is an outcome, an outage is {@link InventoryUnavailableException} (whose
     * {@link InventoryUnavailableException#mayHaveReserved()} says whether the request may have reached inventory).
     */
    public Mono<Reservation> reserve(ReservationRequest request) {
        return batcher.submit(request)
                .timeout(timeout)
                .onErrorMap(ex -> !(ex instanceof InventoryUnavailableException),
                        ex -> new InventoryUnavailableException(request.orderNo(), retryAfter(ex), ex,
                                !(ex instanceof CallNotPermittedException)))
                .flatMap(item -> item.outcome() != null ? Mono.just(item.toReservation(request))
                        // This reservation alone failed (its SKU is being rebuilt, it conflicts, it is malformed).
                        : Mono.error(new InventoryUnavailableException(request.orderNo(), DEFAULT_RETRY_AFTER,
                                new IllegalStateException("inventory: " + item.error() + " (" + item.detail() + ")"),
                                true)));
    }

    private Mono<List<BatchItem>> send(List<ReservationRequest> requests) {
        return web.post().uri("/internal/reservations:batch").bodyValue(new BatchRequest(requests)).retrieve()
                .bodyToMono(BatchResponse.class)
                // An answer without a body is no answer: never let it turn into an empty (200, nothing placed) reply.
                .filter(response -> response.results() != null)
                .switchIfEmpty(Mono.error(() -> new IllegalStateException("inventory answered without reservations")))
                .map(BatchResponse::results)
                .timeout(timeout)
                .transformDeferred(CircuitBreakerOperator.of(breaker));
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
                .onErrorMap(ex -> new InventoryUnavailableException(orderNo, DEFAULT_RETRY_AFTER, ex, true));
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

    /** Body of {@code POST /internal/reservations:batch}. */
    record BatchRequest(List<ReservationRequest> reservations) {
    }

    /** inventory's answers, one per reservation of the batch, in order. */
    record BatchResponse(List<BatchItem> results) {
    }

    /**
     * One answer of a batch: an outcome (and what is left), or an error of this reservation alone.
     *
     * @param error {@code unavailable}, {@code conflict} or {@code validation}; null when there is an outcome
     */
    record BatchItem(String orderNo, Integer attempt, Reservation.Outcome outcome, Long available, String error,
            String detail) {

        Reservation toReservation(ReservationRequest request) {
            return new Reservation(request.orderNo(), attempt == null ? request.attempt() : attempt, outcome,
                    available == null ? 0 : available);
        }
    }
}
