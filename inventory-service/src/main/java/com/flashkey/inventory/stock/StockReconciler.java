package com.flashkey.inventory.stock;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import com.flashkey.contracts.loop.PeriodicLoop;
import com.flashkey.inventory.cardkey.CardKeyRepository;
import com.flashkey.inventory.config.InventoryProperties;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Compares each SKU's Redis counter with the database truth (AVAILABLE keys - live reservations) and publishes the
 * difference as the gauge {@code inventory.stock.drift{sku}} (counter minus truth; positive risks overselling into
 * allocation failures). It reports; an operator or the rebuild endpoint repairs. Reservations in flight between the
 * two reads show as brief noise. Every {@code reconcile-interval} while some SKU drifts, backing off to four times
 * that while none does.
 */
@Component
public class StockReconciler implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(StockReconciler.class);

    private final StockCounters counters;
    private final CardKeyRepository cardKeys;
    private final ReservationRepository reservations;
    private final ReservationJournal journal;
    private final MeterRegistry meters;
    private final Map<String, AtomicLong> drift = new ConcurrentHashMap<>();
    private final PeriodicLoop loop;

    public StockReconciler(StockCounters counters, CardKeyRepository cardKeys, ReservationRepository reservations,
            ReservationJournal journal, InventoryProperties properties, MeterRegistry meters) {
        this.counters = counters;
        this.cardKeys = cardKeys;
        this.reservations = reservations;
        this.journal = journal;
        this.meters = meters;
        this.loop = new PeriodicLoop(PeriodicLoop.Pace.polling(properties.reconcileInterval(),
                properties.reconcileInterval().multipliedBy(4)),
                () -> reconcile().filter(c -> c.counter() >= 0 && c.drift() != 0).count(),
                ex -> log.warn("stock reconciliation failed: {}", ex.toString()));
    }

    /** A SKU's counter and truth; drift = counter - truth. {@code counter} is -1 when Redis has none. */
    public record Comparison(String sku, long counter, long truth) {

        public long drift() {
            return counter - truth;
        }
    }

    public Flux<Comparison> reconcile() {
        return journal.flush().thenMany(Flux.merge(cardKeys.skus(), reservations.skus()).distinct())
                .concatMap(this::reconcile);
    }

    public Mono<Comparison> reconcile(String sku) {
        return counters.rebuilding(sku).flatMap(rebuilding -> rebuilding ? Mono.<Comparison>empty()
                : Mono.zip(counters.available(sku).defaultIfEmpty(-1L), cardKeys.availableKeys(sku),
                        reservations.reservedUnits(sku))
                        .map(t -> new Comparison(sku, t.getT1(), t.getT2() - t.getT3())))
                .doOnNext(c -> {
                    if (c.counter() < 0) {
                        return;
                    }
                    drift.computeIfAbsent(sku, s -> {
                        AtomicLong value = new AtomicLong();
                        Gauge.builder("inventory.stock.drift", value, AtomicLong::get).tag("sku", s)
                                .description("Redis counter minus database truth").register(meters);
                        return value;
                    }).set(c.drift());
                    if (c.drift() != 0) {
                        log.warn("stock drift sku={} counter={} truth={}", sku, c.counter(), c.truth());
                    }
                });
    }

    @Override
    public void start() {
        loop.start();
    }

    @Override
    public void stop() {
        loop.stop();
    }

    @Override
    public boolean isRunning() {
        return loop.isRunning();
    }
}
