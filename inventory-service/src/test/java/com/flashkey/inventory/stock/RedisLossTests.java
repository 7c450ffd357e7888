package com.flashkey.inventory.stock;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.flashkey.inventory.InventoryInfrastructure;
import com.flashkey.inventory.InventoryIntegrationTest;
import com.flashkey.inventory.cardkey.CardKeyImporter;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/** Redis is a fast copy: after it loses a SKU's keys mid-sale, counters come back from the database, no oversell. */
@InventoryIntegrationTest
class RedisLossTests {

    @RegisterExtension
    static InventoryInfrastructure infra = new InventoryInfrastructure();

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        infra.register(registry);
        InventoryInfrastructure.generousTimeouts(registry);
    }

    static final int LIMIT = 4;

    @Autowired
    ReservationService reservations;

    @Autowired
    CardKeyImporter importer;

    @Autowired
    ReservationJournal journal;

    @Autowired
    ReservationRepository repository;

    @Autowired
    StockCounters counters;

    @Autowired
    StockReconciler reconciler;

    private static ReserveCommand command(String orderNo, int qty, int buyer) {
        Instant now = Instant.now();
        return new ReserveCommand(orderNo, 1, "LOSS-1", qty, "buyer" + buyer + "@example.com", LIMIT,
                now.minus(Duration.ofHours(1)), now.plus(Duration.ofHours(1)), now.plus(Duration.ofMinutes(15)));
    }

    /** Like order-service: a 503 (being rebuilt) is retried after a short pause. */
    private Mono<ReserveAnswer> reserveRetrying(ReserveCommand command) {
        return reservations.reserve(command).retryWhen(Retry.fixedDelay(200, Duration.ofMillis(100))
                .filter(StockUnavailableException.class::isInstance));
    }

    @Test
    void whenRedisLosesTheSkuMidSaleThenCountersAreRebuiltFromTheDatabaseAndNothingIsOversold() {
        importer.importCodes("LOSS-1", Flux.range(1, 300).map(i -> "LOSS-CODE-" + i), false, "test").block();
        Map<String, Integer> quantities = new HashMap<>();
        Map<String, Integer> buyers = new HashMap<>();

        List<ReserveAnswer> before = Flux.range(0, 150).flatMap(i -> {
            quantities.put("a" + i, 1);
            buyers.put("a" + i, i % 100);
            return reserveRetrying(command("a" + i, 1, i % 100));
        }, 64).collectList().block(Duration.ofMinutes(2));
        assertThat(before).allMatch(a -> a.outcome() == ReservationOutcome.RESERVED);
        assertThat(counters.available("LOSS-1").block()).isEqualTo(150);

        // Redis loses everything of this service mid-sale.
        assertThat(infra.redis().deleteAll()).isPositive();

        List<ReserveAnswer> after = Flux.range(0, 1000).flatMap(i -> {
            int qty = 1 + i % 2;
            synchronized (quantities) {
                quantities.put("b" + i, qty);
                buyers.put("b" + i, i % 100);
            }
            return reserveRetrying(command("b" + i, qty, i % 100));
        }, 128).collectList().block(Duration.ofMinutes(3));

        long reservedAfter = after.stream().filter(a -> a.outcome() == ReservationOutcome.RESERVED && !a.replay())
                .mapToLong(a -> quantities.get(a.orderNo())).sum();
        assertThat(150 + reservedAfter).isLessThanOrEqualTo(300);

        journal.flush().block();
        long live = repository.reservedUnits("LOSS-1").block();
        assertThat(live).isEqualTo(150 + reservedAfter);
        assertThat(counters.available("LOSS-1").block()).isEqualTo(300 - live);
        assertThat(reconciler.reconcile("LOSS-1").block().drift()).isZero();

        // Per-buyer limits held across the loss (the buyer units came back from the database too).
        Map<Integer, Long> perBuyer = new HashMap<>();
        before.forEach(a -> perBuyer.merge(buyers.get(a.orderNo()), 1L, Long::sum));
        after.stream().filter(a -> a.outcome() == ReservationOutcome.RESERVED)
                .forEach(a -> perBuyer.merge(buyers.get(a.orderNo()), (long) quantities.get(a.orderNo()), Long::sum));
        assertThat(perBuyer.values()).allMatch(units -> units <= LIMIT);

        // A reservation made before the loss replays as before and moves nothing.
        long counter = counters.available("LOSS-1").block();
        ReserveAnswer replay = reserveRetrying(command("a7", 1, 7)).block();
        assertThat(replay.outcome()).isEqualTo(ReservationOutcome.RESERVED);
        assertThat(replay.replay()).isTrue();
        assertThat(counters.available("LOSS-1").block()).isEqualTo(counter);
        // ...and it can still be released.
        assertThat(reservations.release("LOSS-1", "a7", null, "test").block()).isTrue();
        assertThat(counters.available("LOSS-1").block()).isEqualTo(counter + 1);
    }
}
