package com.flashkey.inventory.stock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;

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

/** The Lua reservation path under concurrency, against real Redis and MariaDB: invariants checked at the end. */
@InventoryIntegrationTest
class ReservationConcurrencyTests {

    @RegisterExtension
    static InventoryInfrastructure infra = new InventoryInfrastructure();

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        infra.register(registry);
        // The test drives the sweeper itself.
        registry.add("flashkey.inventory.sweep-interval", () -> "1h");
        registry.add("flashkey.inventory.sweep-grace", () -> "1s");
        InventoryInfrastructure.generousTimeouts(registry);
    }

    static final int LIMIT = 3;
    static final Instant NOW = Instant.now();

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

    @Autowired
    ReservationSweeper sweeper;

    @Autowired
    StockRebuilder rebuilder;

    private void importKeys(String sku, int n) {
        importer.importCodes(sku, Flux.range(1, n).map(i -> sku + "-CODE-" + i), false, "test").block();
    }

    private static ReserveCommand command(String orderNo, int attempt, String sku, int qty, String buyer, Instant expiresAt) {
        return new ReserveCommand(orderNo, attempt, sku, qty, buyer, LIMIT, NOW.minus(Duration.ofHours(1)),
                NOW.plus(Duration.ofHours(1)), expiresAt);
    }

    /** 200 buyers (limit 3 each: 600 units could be held, more than the 500 keys), some writing their e-mail differently, so limits are tested on the normalised form. */
    private static String buyer(int i) {
        int b = i % 200;
        return switch (i % 3) {
            case 0 -> "buyer" + b + "@example.com";
            case 1 -> "Buyer" + b + "+sale@EXAMPLE.com";
            default -> " buyer" + b + "@example.com ";
        };
    }

    private long counter(String sku) {
        return counters.available(sku).block();
    }

    private Map<String, Long> redisBuyers(String sku) {
        Map<String, String> raw = infra.redis().withCommands(r -> r.hgetall(infra.redis().prefix() + "inv:{" + sku + "}:buyers"));
        Map<String, Long> out = new HashMap<>();
        raw.forEach((k, v) -> out.put(k, Long.parseLong(v)));
        return out;
    }

    @Test
    void whenFiveThousandBuyersRaceForFiveHundredKeysThenExactlyFiveHundredUnitsAreReservedWithinLimits() {
        importKeys("RACE-1", 500);
        Random random = new Random(42);
        int[] quantities = IntStream.range(0, 5000).map(i -> 1 + random.nextInt(3)).toArray();

        List<ReserveAnswer> answers = Flux.range(0, 5000)
                .flatMap(i -> reservations.reserve(command("r" + i, 1, "RACE-1", quantities[i], buyer(i),
                        NOW.plus(Duration.ofMinutes(15)))).map(a -> Map.entry(i, a)), 256)
                .map(e -> {
                    assertThat(e.getValue().replay()).isFalse();
                    return e.getValue();
                })
                .collectList().block(Duration.ofMinutes(2));

        assertThat(answers).hasSize(5000);
        Map<String, Long> perBuyer = new HashMap<>();
        long reserved = 0;
        for (ReserveAnswer a : answers) {
            if (a.outcome() == ReservationOutcome.RESERVED) {
                int i = Integer.parseInt(a.orderNo().substring(1));
                reserved += quantities[i];
                perBuyer.merge(BuyerEmail.normalise(buyer(i)), (long) quantities[i], Long::sum);
            }
        }
        assertThat(reserved).isEqualTo(500);
        assertThat(counter("RACE-1")).isZero();
        assertThat(perBuyer.values()).allMatch(units -> units <= LIMIT);
        assertThat(redisBuyers("RACE-1")).isEqualTo(perBuyer);
        assertThat(answers).filteredOn(a -> a.outcome() == ReservationOutcome.LIMIT_EXCEEDED).isNotEmpty();

        journal.flush().block();
        assertThat(repository.reservedUnits("RACE-1").block()).isEqualTo(500);
        assertThat(reconciler.reconcile("RACE-1").block().drift()).isZero();
    }

    @Test
    void whenBatchesOfOrdersRaceConcurrentlyForKKeysThenExactlyKAreReservedAndEveryOrderGetsOneAnswer() {
        importKeys("BATCH-1", 300);
        importKeys("BATCH-2", 50);
        int orders = 3000;
        int batchSize = 25;
        // Every batch mixes both SKUs and repeats one order of the batch before it (a replay racing its original).
        List<List<ReserveCommand>> batches = IntStream.range(0, orders / batchSize).mapToObj(b -> {
            List<ReserveCommand> batch = new java.util.ArrayList<>();
            for (int i = b * batchSize; i < (b + 1) * batchSize; i++) {
                batch.add(command("bt" + i, 1, i % 5 == 0 ? "BATCH-2" : "BATCH-1", 1, "bt" + i + "@example.com",
                        NOW.plus(Duration.ofMinutes(15))));
            }
            if (b > 0) {
                int again = (b - 1) * batchSize + 3;
                batch.add(command("bt" + again, 1, again % 5 == 0 ? "BATCH-2" : "BATCH-1", 1,
                        "bt" + again + "@example.com", NOW.plus(Duration.ofMinutes(15))));
            }
            return batch;
        }).toList();

        List<ReserveResult> results = Flux.fromIterable(batches)
                .flatMap(batch -> reservations.reserveAll(batch).doOnNext(r -> assertThat(r).hasSize(batch.size())), 32)
                .flatMapIterable(r -> r).collectList().block(Duration.ofMinutes(2));

        assertThat(results).allMatch(r -> r.failure() == null);
        Map<String, ReservationOutcome> firstAnswers = new HashMap<>();
        for (ReserveResult r : results) {
            ReservationOutcome earlier = firstAnswers.putIfAbsent(r.answer().orderNo(), r.answer().outcome());
            if (earlier != null) {
                assertThat(r.answer().outcome()).as("a replay answers as the first").isEqualTo(earlier);
            }
        }
        assertThat(firstAnswers).hasSize(orders);
        Map<String, Long> reservedPerSku = new HashMap<>();
        firstAnswers.forEach((orderNo, outcome) -> {
            if (outcome == ReservationOutcome.RESERVED) {
                int i = Integer.parseInt(orderNo.substring(2));
                reservedPerSku.merge(i % 5 == 0 ? "BATCH-2" : "BATCH-1", 1L, Long::sum);
            }
        });
        assertThat(reservedPerSku).containsEntry("BATCH-1", 300L).containsEntry("BATCH-2", 50L);
        assertThat(counter("BATCH-1")).isZero();
        assertThat(counter("BATCH-2")).isZero();
        journal.flush().block();
        assertThat(repository.reservedUnits("BATCH-1").block()).isEqualTo(300);
        assertThat(repository.reservedUnits("BATCH-2").block()).isEqualTo(50);
        assertThat(reconciler.reconcile("BATCH-1").block().drift()).isZero();
    }

    @Test
    void whenReleasesInterleaveWithTheRaceThenCountersEqualKeysMinusLiveReservations() {
        importKeys("RACE-2", 500);
        Random random = new Random(7);
        int[] quantities = IntStream.range(0, 5000).map(i -> 1 + random.nextInt(3)).toArray();

        List<Map.Entry<ReserveAnswer, Boolean>> results = Flux.range(0, 5000)
                .flatMap(i -> reservations.reserve(command("q" + i, 1, "RACE-2", quantities[i], buyer(i),
                        NOW.plus(Duration.ofMinutes(15))))
                        .flatMap(a -> a.outcome() == ReservationOutcome.RESERVED && i % 3 == 0
                                ? reservations.release("RACE-2", a.orderNo(), null, "test").map(r -> Map.entry(a, r))
                                : Mono.just(Map.entry(a, false))), 256)
                .collectList().block(Duration.ofMinutes(2));

        long live = 0;
        long released = 0;
        Map<String, Long> perBuyer = new HashMap<>();
        for (Map.Entry<ReserveAnswer, Boolean> r : results) {
            ReserveAnswer a = r.getKey();
            int i = Integer.parseInt(a.orderNo().substring(1));
            if (a.outcome() == ReservationOutcome.RESERVED) {
                if (r.getValue()) {
                    released += quantities[i];
                }
                else {
                    live += quantities[i];
                    perBuyer.merge(BuyerEmail.normalise(buyer(i)), (long) quantities[i], Long::sum);
                }
            }
        }
        assertThat(released).isPositive();
        assertThat(live).isLessThanOrEqualTo(500);
        assertThat(counter("RACE-2")).isEqualTo(500 - live).isGreaterThanOrEqualTo(0);
        assertThat(perBuyer.values()).allMatch(units -> units <= LIMIT);
        assertThat(redisBuyers("RACE-2")).isEqualTo(perBuyer);
        journal.flush().block();
        assertThat(repository.reservedUnits("RACE-2").block()).isEqualTo(live);
        assertThat(reconciler.reconcile("RACE-2").block().drift()).isZero();
    }

    @Test
    void whenTheSameOrderIsReservedReleasedAndConfirmedManyTimesConcurrentlyThenEachHasOneEffect() {
        importKeys("IDEM-1", 10);
        List<ReserveAnswer> reserves = Flux.range(0, 50)
                .flatMap(i -> reservations.reserve(command("same1", 1, "IDEM-1", 2, "ann@example.com",
                        NOW.plus(Duration.ofMinutes(15)))), 50)
                .collectList().block();
        assertThat(reserves).allMatch(a -> a.outcome() == ReservationOutcome.RESERVED && a.available() == 8);
        assertThat(reserves).filteredOn(a -> !a.replay()).hasSize(1);
        assertThat(counter("IDEM-1")).isEqualTo(8);

        List<Boolean> releases = Flux.range(0, 50).flatMap(i -> reservations.release("IDEM-1", "same1", null, "test"), 50)
                .collectList().block();
        assertThat(releases).filteredOn(Boolean::booleanValue).hasSize(1);
        assertThat(counter("IDEM-1")).isEqualTo(10);

        reservations.reserve(command("same2", 1, "IDEM-1", 2, "bob@example.com", NOW.plus(Duration.ofMinutes(15))))
                .block();
        List<String> confirms = Flux.range(0, 50).flatMap(i -> reservations.confirm("IDEM-1", "same2"), 50)
                .collectList().block();
        assertThat(confirms).filteredOn("CONFIRMED"::equals).hasSize(1);
        assertThat(confirms).filteredOn("FOUND_CONFIRMED"::equals).hasSize(49);
        assertThat(counter("IDEM-1")).isEqualTo(8);
        // A confirmed reservation is not released by a late release.
        assertThat(reservations.release("IDEM-1", "same2", null, "test").block()).isFalse();
        assertThat(counter("IDEM-1")).isEqualTo(8);
    }

    @Test
    void whenAnOrderReservesAgainWithANewAttemptThenTheOldReservationIsReplacedAndOldAttemptsConflict() {
        importKeys("ATT-1", 5);
        Instant deadline = NOW.plus(Duration.ofMinutes(15));
        assertThat(reservations.reserve(command("att1", 1, "ATT-1", 2, "c@example.com", deadline)).block().outcome())
                .isEqualTo(ReservationOutcome.RESERVED);
        ReserveAnswer second = reservations.reserve(command("att1", 2, "ATT-1", 1, "c@example.com", deadline)).block();
        assertThat(second.outcome()).isEqualTo(ReservationOutcome.RESERVED);
        assertThat(second.available()).isEqualTo(4);
        assertThatThrownBy(() -> reservations.reserve(command("att1", 1, "ATT-1", 2, "c@example.com", deadline)).block())
                .isInstanceOf(ReservationConflictException.class);
        journal.flush().block();
        Reservation stored = repository.find("att1").block();
        assertThat(stored.attempt()).isEqualTo(2);
        assertThat(stored.quantity()).isEqualTo(1);
        assertThat(stored.status()).isEqualTo(Reservation.RESERVED);
    }

    @Test
    void whenAReleaseOvertakesItsReserveThenTheLateReserveReservesNothingAndALaterAttemptStillReserves() {
        importKeys("TOMB-1", 6);
        Instant deadline = NOW.plus(Duration.ofMinutes(15));
        // order-service timed out on the reserve and released first: nothing to release yet.
        assertThat(reservations.release("TOMB-1", "tomb1", null, "requested").block()).isFalse();

        assertThatThrownBy(() -> reservations.reserve(command("tomb1", 1, "TOMB-1", LIMIT, "t@example.com", deadline))
                .block()).isInstanceOf(ReservationConflictException.class);
        assertThat(counter("TOMB-1")).isEqualTo(6);
        assertThat(redisBuyers("TOMB-1")).isEmpty();
        journal.flush().block();
        assertThat(repository.find("tomb1").blockOptional()).isEmpty();
        // The buyer's retry (a new order number) is not refused over the limit by the unit nobody holds.
        assertThat(reservations.reserve(command("tomb2", 1, "TOMB-1", LIMIT, "t@example.com", deadline)).block()
                .outcome()).isEqualTo(ReservationOutcome.RESERVED);
        assertThat(counter("TOMB-1")).isEqualTo(3);
        // A re-reservation of the released order (a payment after expiry) uses a later attempt and still reserves.
        assertThat(reservations.reserve(command("tomb1", 2, "TOMB-1", 1, "u@example.com", deadline)).block()
                .outcome()).isEqualTo(ReservationOutcome.RESERVED);
        assertThat(counter("TOMB-1")).isEqualTo(2);
        assertThat(reservations.release("TOMB-1", "tomb1", null, "expired").block()).isTrue();
        assertThat(counter("TOMB-1")).isEqualTo(3);
        journal.flush().block();
        assertThat(repository.find("tomb1").block().status()).isEqualTo(Reservation.RELEASED);
        assertThat(repository.reservedUnits("TOMB-1").block()).isEqualTo(LIMIT);
    }

    @Test
    void whenARebuildFindsATombstoneOverALiveRecordThenTheUnitsItCountedAsHeldGoBack() {
        importKeys("TOMB-2", 5);
        Instant deadline = NOW.plus(Duration.ofMinutes(15));
        reservations.reserve(command("tomb3", 1, "TOMB-2", 2, "w@example.com", deadline)).block();
        journal.flush().block();
        // Redis lost the reservation, then a release found nothing and left its tombstone; the rebuild read the
        // record before that release marked it released.
        String hash = infra.redis().prefix() + "inv:{TOMB-2}:res:tomb3";
        infra.redis().withCommands(r -> r.del(hash));
        infra.redis().withCommands(r -> r.hset(hash, Map.of("attempt", "1", "state", "TOMBSTONE", "outcome", "RELEASED",
                "qty", "0", "buyer", "", "deadline", "0", "available", "-1")));
        rebuilder.rebuild("TOMB-2").block();
        assertThat(counter("TOMB-2")).isEqualTo(5);
        assertThat(redisBuyers("TOMB-2")).isEmpty();

        // A tombstone of attempt 1 does not cover a live later attempt: that one is put back.
        repository.upsert(List.of(new Reservation("tomb3", 2, "TOMB-2", 2, "w@example.com", deadline,
                Reservation.RESERVED, false)), Instant.now()).block();
        rebuilder.rebuild("TOMB-2").block();
        assertThat(counter("TOMB-2")).isEqualTo(3);
        String state = infra.redis().withCommands(r -> r.hget(hash, "state"));
        Long ttl = infra.redis().withCommands(r -> r.ttl(hash));
        assertThat(state).isEqualTo("RESERVED");
        assertThat(ttl).as("a live reservation does not expire").isEqualTo(-1L);
        assertThat(redisBuyers("TOMB-2")).containsEntry("w@example.com", 2L);
    }

    @Test
    void whenTheWriteBehindRecordArrivesAfterTheOrderWasPaidThenTheDurableRecordStaysConfirmed() {
        Instant now = Instant.now();
        repository.markSettled("late1", "LATE-1", 1, "h@example.com", Reservation.CONFIRMED, now).block();
        repository.upsert(List.of(new Reservation("late1", 1, "LATE-1", 1, "h@example.com", now.plusSeconds(900),
                Reservation.RESERVED, false)), now).block();
        assertThat(repository.find("late1").block().status()).isEqualTo(Reservation.CONFIRMED);
        // ...while a released reservation is replaced by a later attempt.
        repository.upsert(List.of(new Reservation("late2", 1, "LATE-1", 1, "h@example.com", now, Reservation.RELEASED,
                false)), now).block();
        repository.upsert(List.of(new Reservation("late2", 2, "LATE-1", 2, "h@example.com", now.plusSeconds(900),
                Reservation.RESERVED, false)), now).block();
        Reservation replaced = repository.find("late2").block();
        assertThat(replaced.status()).isEqualTo(Reservation.RESERVED);
        assertThat(replaced.attempt()).isEqualTo(2);
        assertThat(replaced.quantity()).isEqualTo(2);
    }

    @Test
    void whenTheSkuIsBeingRebuiltThenReservationsAreRefusedAsUnavailable() {
        importKeys("FLAG-1", 3);
        infra.redis().withCommands(r -> r.set(infra.redis().prefix() + "inv:{FLAG-1}:rebuilding", "1"));
        assertThatThrownBy(() -> reservations.reserve(command("flag1", 1, "FLAG-1", 1, "d@example.com",
                NOW.plus(Duration.ofMinutes(15)))).block()).isInstanceOf(StockUnavailableException.class);
        infra.redis().withCommands(r -> r.del(infra.redis().prefix() + "inv:{FLAG-1}:rebuilding"));
        assertThat(counter("FLAG-1")).isEqualTo(3);
    }

    @Test
    void whenAReservationOutlivesItsDeadlineAndItsOrderNeverAppearedThenTheSweeperReleasesIt() {
        importKeys("SWEEP-1", 5);
        Instant past = Instant.now().minus(Duration.ofMinutes(5));
        reservations.reserve(command("ghost1", 1, "SWEEP-1", 2, "e@example.com", past)).block();
        reservations.reserve(command("real1", 1, "SWEEP-1", 1, "f@example.com", past)).block();
        reservations.reserve(command("fresh1", 1, "SWEEP-1", 1, "g@example.com", Instant.now().plusSeconds(900))).block();
        journal.flush().block();
        // order.placed was consumed for real1: its order exists, so order-service's expiry owns it.
        repository.upsert(List.of(new Reservation("real1", 0, "SWEEP-1", 1, "f@example.com", past,
                Reservation.RESERVED, true)), Instant.now()).block();
        assertThat(counter("SWEEP-1")).isEqualTo(1);

        assertThat(sweeper.sweep().block()).isEqualTo(1);

        assertThat(counter("SWEEP-1")).isEqualTo(3);
        assertThat(repository.find("ghost1").block().status()).isEqualTo(Reservation.RELEASED);
        assertThat(repository.find("real1").block().status()).isEqualTo(Reservation.RESERVED);
        assertThat(repository.find("fresh1").block().status()).isEqualTo(Reservation.RESERVED);
        assertThat(sweeper.sweep().block()).isZero();
    }
}
