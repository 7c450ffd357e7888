package com.flashkey.order.order;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.ReactiveHealthIndicator;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.WebClient;

import com.flashkey.order.catalog.CatalogClient;
import com.flashkey.order.config.OrderProperties;
import com.flashkey.order.inventory.InventoryClient;
import com.flashkey.order.inventory.ReservationRequest;

/**
 * Runs the placement path's code before the service reports ready (the readiness group includes this indicator):
 * a JVM that takes a flash-sale pulse cold spends its first seconds interpreting and compiling, its first inventory
 * calls outlast the inventory timeout, every buyer gets 503 and the gateway's breaker opens. The warm-up calls
 * <ul>
 * <li>inventory's reserve (and now and then its release) for {@code warm-up.sku}, with a sale window that has
 * ended: inventory answers NOT_ON_SALE without moving any stock, after building an empty counter for the SKU once;
 * the same few order numbers are reused, so Redis keeps only a handful of short-lived answers. The rounds run
 * {@code concurrency} at a time through the client's batching, so they warm the batch path the sale uses
 * ({@code POST /internal/reservations:batch}, batches of several reservations, the coalescing itself);</li>
 * <li>this service's own {@code POST /api/orders} for the same SKU, over HTTP: catalog answers 404 for it (asked
 * about once a second: "not found" is cached briefly), so the web layer, validation, the idempotency claim and its
 * release and the problem answer run, and no order is placed.</li>
 * </ul>
 * It first waits (within {@code max-duration}) for inventory to answer at all; whatever happens, readiness turns UP
 * at the end, at worst after {@code max-duration}, with a warning: a warm-up that cannot run must not keep the
 * service out of rotation.
 */
@Component("warmUpHealthIndicator")
class PlacementWarmUp implements ReactiveHealthIndicator {

    private static final Logger log = LoggerFactory.getLogger(PlacementWarmUp.class);

    /** Distinct warm-up order numbers; reused, so inventory keeps only this many warm-up answers. */
    private static final int ORDER_NUMBERS = 64;

    private final InventoryClient inventory;
    private final CatalogClient catalog;
    private final WebClient.Builder webClients;
    private final Environment environment;
    private final OrderProperties.WarmUp settings;
    private final String run = Long.toString(System.nanoTime() & 0xFFFFFFL, 36).toUpperCase();
    private volatile boolean done;
    private volatile Disposable running;

    PlacementWarmUp(InventoryClient inventory, CatalogClient catalog, WebClient.Builder webClients,
            Environment environment, OrderProperties properties) {
        this.inventory = inventory;
        this.catalog = catalog;
        this.webClients = webClients;
        this.environment = environment;
        this.settings = properties.warmUp();
        this.done = !settings.enabled() || settings.requests() == 0;
    }

    @Override
    public Mono<Health> health() {
        return Mono.just(done ? Health.up().build() : Health.outOfService().withDetail("warmUp", "running").build());
    }

    /** Whether the warm-up has finished (or was not wanted). */
    boolean done() {
        return done;
    }

    @EventListener(ApplicationReadyEvent.class)
    void start() {
        if (done) {
            return;
        }
        int port = environment.getRequiredProperty("local.server.port", Integer.class);
        long started = System.nanoTime();
        // Runs beside the started application (which answers liveness meanwhile); the Disposable is kept so
        // shutdown can stop it.
        running = warmUp(port).timeout(settings.maxDuration())
                .doFinally(signal -> {
                    // Failures of calls made on a cold JVM while the peers started must not keep a breaker open
                    // for the first real buyers.
                    inventory.forgetFailures();
                    catalog.forgetFailures();
                    done = true;
                })
                .subscribe(rounds -> log.info("warm-up done: {} rounds in {} ms, ready for traffic", rounds,
                        (System.nanoTime() - started) / 1_000_000),
                        ex -> log.warn("warm-up stopped early ({}); ready for traffic anyway", ex.toString()));
    }

    @EventListener(ContextClosedEvent.class)
    void stop() {
        Disposable current = running;
        if (current != null) {
            current.dispose();
        }
    }

    /** Waits for inventory, then runs the rounds; emits how many rounds ran. */
    Mono<Integer> warmUp(int port) {
        WebClient self = webClients.clone().baseUrl("http://127.0.0.1:" + port).build();
        AtomicInteger rounds = new AtomicInteger();
        return reserve(0)
                // Inventory may still be starting (all services start together): wait for its first answer.
                .retryWhen(Retry.backoff(Long.MAX_VALUE, Duration.ofMillis(200)).maxBackoff(Duration.ofSeconds(2)))
                .thenMany(Flux.range(1, settings.requests()).flatMap(i -> round(self, i)
                        .doOnSuccess(ignored -> rounds.incrementAndGet()), settings.concurrency()))
                .then(Mono.fromSupplier(rounds::get));
    }

    private Mono<Void> round(WebClient self, int i) {
        Mono<Void> reserve = reserve(i).onErrorResume(ex -> Mono.empty());
        // A release of an order that holds nothing is answered without a change; it warms the rarer failure path.
        Mono<Void> release = i % 16 == 0
                ? inventory.release(orderNo(i), settings.sku()).then().onErrorResume(ex -> Mono.empty())
                : Mono.empty();
        Mono<Void> order = self.post().uri("/api/orders").contentType(MediaType.APPLICATION_JSON)
                .header("Idempotency-Key", "warm-up-" + run + "-" + i)
                .bodyValue(Map.of("sku", settings.sku(), "quantity", 1, "email", "warm-up-" + i + "@flashkey.invalid"))
                .exchangeToMono(response -> response.releaseBody()).onErrorResume(ex -> Mono.empty());
        return reserve.then(release).then(order);
    }

    private Mono<Void> reserve(int i) {
        Instant now = Instant.now();
        // A window that closed an hour ago: inventory refuses with NOT_ON_SALE and moves no stock.
        ReservationRequest request = new ReservationRequest(orderNo(i), 1, settings.sku(), 1,
                "warm-up-" + i + "@flashkey.invalid", 1, now.minus(Duration.ofHours(2)), now.minus(Duration.ofHours(1)),
                now.plus(Duration.ofMinutes(1)));
        return inventory.reserve(request).then();
    }

    private String orderNo(int i) {
        return "WARMUP" + run + (i % ORDER_NUMBERS);
    }
}
