package com.flashkey.inventory.stock;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.stereotype.Component;

import com.flashkey.inventory.cardkey.CardKeyRepository;
import com.flashkey.inventory.config.InventoryProperties;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Rebuilds a SKU's Redis state from the database, the truth: counter = AVAILABLE keys - live reservations,
 * per-buyer units from reserved and bought reservations, and lost live reservations put back. While a SKU is
 * rebuilt its flag makes reservations answer 503 {@code unavailable}. Rebuilds of one SKU in this instance are
 * coalesced: a request made while one runs gets a fresh rebuild started after it, shared by all who asked meanwhile.
 */
@Component
public class StockRebuilder {

    private static final Logger log = LoggerFactory.getLogger(StockRebuilder.class);
    private static final int CHUNK = 500;

    private final ReactiveStringRedisTemplate redis;
    private final StockKeys keys;
    private final StockScripts scripts;
    private final CardKeyRepository cardKeys;
    private final ReservationRepository reservations;
    private final ReservationJournal journal;
    private final InventoryProperties properties;
    private final Counter rebuilds;
    private final Map<String, Mono<Long>> running = new HashMap<>();
    private final Map<String, Mono<Long>> queued = new HashMap<>();

    public StockRebuilder(ReactiveStringRedisTemplate redis, StockKeys keys, StockScripts scripts,
            CardKeyRepository cardKeys, ReservationRepository reservations, ReservationJournal journal,
            InventoryProperties properties, MeterRegistry meters) {
        this.redis = redis;
        this.keys = keys;
        this.scripts = scripts;
        this.cardKeys = cardKeys;
        this.reservations = reservations;
        this.journal = journal;
        this.properties = properties;
        this.rebuilds = Counter.builder("inventory.stock.rebuilds").description("SKU counters rebuilt from the database")
                .register(meters);
    }

    /** Rebuilds one SKU; completes with the rebuilt counter, after a rebuild that started after this call. */
    public Mono<Long> rebuild(String sku) {
        synchronized (this) {
            Mono<Long> next = queued.get(sku);
            if (next != null) {
                return next;
            }
            Mono<Long> current = running.get(sku);
            if (current == null) {
                return start(sku);
            }
            Mono<Long> chained = current.onErrorResume(ex -> Mono.empty()).then(Mono.defer(() -> {
                synchronized (this) {
                    queued.remove(sku);
                    return start(sku);
                }
            })).cache();
            queued.put(sku, chained);
            return chained;
        }
    }

    private Mono<Long> start(String sku) {
        synchronized (this) {
            @SuppressWarnings("unchecked")
            Mono<Long>[] self = new Mono[1];
            self[0] = Mono.defer(() -> doRebuild(sku)).doFinally(signal -> {
                synchronized (this) {
                    running.remove(sku, self[0]);
                }
            }).cache();
            running.put(sku, self[0]);
            return self[0];
        }
    }

    /** Every SKU that has keys or live reservations. */
    public Flux<SkuRebuilt> rebuildAll() {
        return Flux.merge(cardKeys.skus(), reservations.skus()).distinct()
                .concatMap(sku -> rebuild(sku).map(available -> new SkuRebuilt(sku, available)));
    }

    public record SkuRebuilt(String sku, long available) {
    }

    private Mono<Long> doRebuild(String sku) {
        Duration settle = properties.journalInterval().multipliedBy(3);
        return redis.opsForValue().set(keys.rebuilding(sku), "1", properties.rebuildFlagTtl())
                // Reserve calls that passed the flag just before it was set may still be queueing their record,
                // here or in another replica's journal: give every journal a few cycles, then flush ours.
                .then(Mono.delay(settle))
                .then(journal.flush())
                .then(Mono.zip(cardKeys.availableKeys(sku), reservations.live(sku).collectList(),
                        reservations.buyerUnits(sku).collectList()))
                .flatMap(state -> {
                    long live = state.getT2().stream().mapToLong(Reservation::quantity).sum();
                    long available = state.getT1() - live;
                    if (available < 0) {
                        log.warn("sku {} has {} live reserved units but only {} available keys", sku, live, state.getT1());
                        available = 0;
                    }
                    long counter = available;
                    return restoreCounters(sku, counter, state.getT3())
                            .thenMany(Flux.fromIterable(state.getT2()).flatMap(this::restoreReservation, 16))
                            .then(Mono.just(counter));
                })
                .flatMap(counter -> redis.delete(keys.rebuilding(sku)).thenReturn(counter))
                .doOnNext(counter -> {
                    rebuilds.increment();
                    log.info("rebuilt stock counter sku={} available={}", sku, counter);
                })
                .doOnError(ex -> log.error("rebuild of sku {} failed; it stays unavailable until the flag expires: {}",
                        sku, ex.toString()));
    }

    private Mono<Void> restoreCounters(String sku, long available, List<ReservationRepository.BuyerUnits> buyers) {
        List<List<String>> chunks = new ArrayList<>();
        List<String> current = new ArrayList<>(List.of(Long.toString(available), "1"));
        for (ReservationRepository.BuyerUnits b : buyers) {
            if (current.size() >= 2 + CHUNK * 2) {
                chunks.add(current);
                current = new ArrayList<>(List.of(Long.toString(available), "0"));
            }
            current.add(b.buyer());
            current.add(Long.toString(b.units()));
        }
        chunks.add(current);
        List<String> scriptKeys = List.of(keys.stock(sku), keys.buyers(sku));
        return Flux.fromIterable(chunks).concatMap(args -> redis.execute(scripts.restoreCounters, scriptKeys, args))
                .then();
    }

    private Mono<Long> restoreReservation(Reservation r) {
        return redis.execute(scripts.restoreReservation,
                List.of(keys.reservation(r.sku(), r.orderNo()), keys.pending(r.sku()), keys.stock(r.sku()),
                        keys.buyers(r.sku())),
                List.of(r.orderNo(), Integer.toString(Math.max(1, r.attempt())), Integer.toString(r.quantity()), r.buyer(),
                        Long.toString(r.deadline().toEpochMilli())))
                .next();
    }

    @EventListener(ApplicationReadyEvent.class)
    void rebuildAtStartup() {
        if (properties.rebuildOnStartup()) {
            // Runs in the background; a SKU reserved before its turn and missing from Redis rebuilds on demand.
            rebuildAll().count().subscribe(n -> log.info("start-up rebuild done for {} SKUs", n),
                    ex -> log.error("start-up rebuild failed: {}", ex.toString()));
        }
    }
}
