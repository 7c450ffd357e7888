package com.flashkey.inventory.stock.messaging;

import java.time.Clock;
import java.time.Instant;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import com.flashkey.contracts.loop.PeriodicLoop;
import com.flashkey.inventory.config.InventoryProperties;
import com.flashkey.inventory.stock.ReservationRepository;
import com.flashkey.inventory.stock.ReservationService;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Releases, within seconds, the units of a reservation whose order.placed never arrives (order-service reserved,
 * then died or lost Kafka before publishing, and its buyer got no 202). order-service publishes within its Kafka send
 * timeout of the reserve answer or gives up and releases, so a reservation last written more than
 * {@code orphan-grace} ago (longer than that timeout) whose order.placed is still unrecorded, at a moment when the
 * order.placed listener has recorded everything appended, belongs to an order that will never exist. While the
 * listener is behind (a backlog after a restart) nothing is released: its order.placed may be in the backlog.
 * The deadline sweeper ({@link com.flashkey.inventory.stock.ReservationSweeper}) stays the net for the rest.
 */
@Component
class OrphanedReservationSweeper implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(OrphanedReservationSweeper.class);
    private static final int BATCH = 100;

    private final ReservationRepository repository;
    private final ReservationService reservations;
    private final OrderPlacedProgress progress;
    private final InventoryProperties properties;
    private final Clock clock;
    private final Counter released;
    private final PeriodicLoop loop;

    OrphanedReservationSweeper(ReservationRepository repository, ReservationService reservations,
            OrderPlacedProgress progress, InventoryProperties properties, Clock clock, MeterRegistry meters) {
        this.repository = repository;
        this.reservations = reservations;
        this.progress = progress;
        this.properties = properties;
        this.clock = clock;
        this.released = Counter.builder("inventory.reservations.orphaned")
                .description("reservations released because their order.placed never arrived").register(meters);
        this.loop = new PeriodicLoop(PeriodicLoop.Pace.fixed(properties.orphanSweepInterval()), this::sweep,
                ex -> log.warn("orphaned-reservation sweep failed: {}", ex.toString()));
    }

    /** One pass; completes with the number of reservations released. */
    Mono<Long> sweep() {
        Instant cutoff = clock.instant().minus(properties.orphanGrace());
        return repository.unseenSince(cutoff, BATCH).collectList().flatMap(candidates -> candidates.isEmpty()
                ? Mono.just(0L)
                // The cutoff lies before the moment progress reports, so each candidate's order.placed, had it
                // been appended, would have been recorded by then.
                : progress.recordedUntil().flatMap(recorded -> Flux.fromIterable(candidates)
                        .concatMap(orphan -> reservations.release(orphan.sku(), orphan.orderNo(), null, "orphaned")
                                .doOnNext(done -> {
                                    if (done) {
                                        released.increment();
                                        log.info("released the reservation of order {} (sku {}): its order.placed "
                                                + "never arrived", orphan.orderNo(), orphan.sku());
                                    }
                                }))
                        .filter(Boolean::booleanValue).count())
                        .defaultIfEmpty(0L));
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
