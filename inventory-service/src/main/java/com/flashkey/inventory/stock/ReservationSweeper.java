package com.flashkey.inventory.stock;

import java.time.Clock;
import java.util.Arrays;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Component;

import com.flashkey.contracts.loop.PeriodicLoop;
import com.flashkey.inventory.cardkey.CardKeyRepository;
import com.flashkey.inventory.config.InventoryProperties;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Safety net for reservations whose order never appeared (order-service reserved, then died before publishing
 * order.placed): once a reservation is past its deadline (by Redis TIME) plus a grace period and the database has
 * seen no order for it, its units go back. Reservations of orders that exist are left to order-service's expiry;
 * those the database already settled are brought in line in Redis. Every {@code sweep-interval} while passes
 * find such reservations, backing off to six times that while they find none (the grace is a minute anyway).
 */
@Component
public class ReservationSweeper implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ReservationSweeper.class);
    private static final RedisScript<Long> POSTPONE = RedisScript.of(
            "if redis.call('ZSCORE', KEYS[1], ARGV[1]) then return redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1]) end return 0",
            Long.class);

    private final ReactiveStringRedisTemplate redis;
    private final StockKeys keys;
    private final StockScripts scripts;
    private final ReservationService reservations;
    private final ReservationRepository repository;
    private final CardKeyRepository cardKeys;
    private final InventoryProperties properties;
    private final Clock clock;
    private final Counter swept;
    private final PeriodicLoop loop;

    public ReservationSweeper(ReactiveStringRedisTemplate redis, StockKeys keys, StockScripts scripts,
            ReservationService reservations, ReservationRepository repository, CardKeyRepository cardKeys,
            InventoryProperties properties, Clock clock, MeterRegistry meters) {
        this.redis = redis;
        this.keys = keys;
        this.scripts = scripts;
        this.reservations = reservations;
        this.repository = repository;
        this.cardKeys = cardKeys;
        this.properties = properties;
        this.clock = clock;
        this.swept = Counter.builder("inventory.reservations.swept")
                .description("reservations released because their order never appeared").register(meters);
        this.loop = new PeriodicLoop(
                PeriodicLoop.Pace.polling(properties.sweepInterval(), properties.sweepInterval().multipliedBy(6)),
                this::sweep, ex -> log.warn("reservation sweep failed: {}", ex.toString()));
    }

    /** One pass over every SKU; completes with the number of reservations released. */
    public Mono<Long> sweep() {
        return Flux.merge(cardKeys.skus(), repository.skus()).distinct().concatMap(this::sweep).reduce(0L, Long::sum);
    }

    Mono<Long> sweep(String sku) {
        List<String> args = List.of(Long.toString(properties.sweepGrace().toMillis()), "100");
        return redis.execute(scripts.due, List.of(keys.pending(sku)), args).next()
                .flatMapMany(joined -> Flux.fromIterable(joined.isEmpty() ? List.of() : Arrays.asList(joined.split(","))))
                .concatMap(orderNo -> settle(sku, orderNo))
                .reduce(0L, Long::sum);
    }

    private Mono<Long> settle(String sku, String orderNo) {
        return repository.find(orderNo).map(java.util.Optional::of).defaultIfEmpty(java.util.Optional.empty())
                .flatMap(found -> {
                    Reservation r = found.orElse(null);
                    if (r != null && (Reservation.CONFIRMED.equals(r.status()) || Reservation.FAILED.equals(r.status()))) {
                        return reservations.confirm(sku, orderNo).thenReturn(0L);
                    }
                    if (r != null && Reservation.RESERVED.equals(r.status()) && r.orderSeen()) {
                        // The order exists; its own expiry releases it. Look again after another grace period.
                        long later = clock.millis() + properties.sweepGrace().toMillis();
                        return redis.execute(POSTPONE, List.of(keys.pending(sku)), List.of(orderNo, Long.toString(later)))
                                .then(Mono.just(0L));
                    }
                    return reservations.release(sku, orderNo, null, "swept").map(released -> {
                        if (released) {
                            swept.increment();
                            log.info("swept reservation of order {} (sku {}): its order never appeared", orderNo, sku);
                        }
                        return released ? 1L : 0L;
                    });
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
