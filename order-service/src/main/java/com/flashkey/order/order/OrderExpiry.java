package com.flashkey.order.order;

import java.time.Clock;
import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import com.flashkey.contracts.loop.PeriodicLoop;
import com.flashkey.order.config.OrderProperties;

/**
 * Expires unpaid orders once their deadline plus the payment grace has passed (providers report payments a little
 * late; the buyer is shown the deadline itself). Each shard is read through its (status, expires_at) index for due
 * PENDING_PAYMENT rows only, never scanned whole; each due order goes through {@link OrderLifecycle#expire}, a
 * conditional transition that writes order.expired to the outbox (inventory then releases the stock). Several
 * replicas may run this: the conditional update lets only one of them expire an order.
 * <p>
 * A shard is not polled every {@code poll-interval} for nothing: after each pass the next one is planned for the
 * shard's earliest pending deadline (plus the grace), so an order still expires within the poll interval of it
 * becoming due. A shard with nothing due backs off to {@link #IDLE_PASS} (at most half the payment time plus the
 * grace, so an order ingested since, by any replica, is seen well before it is due).
 */
@Component
class OrderExpiry implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(OrderExpiry.class);
    /** Longest pause of a shard's loop while nothing on it is due soon. */
    static final Duration IDLE_PASS = Duration.ofSeconds(10);

    private final OrderStore store;
    private final OrderLifecycle lifecycle;
    private final Clock clock;
    private final OrderProperties.Expiry config;
    private final Duration paymentGrace;
    private final ShardLoops loops;

    @Autowired
    OrderExpiry(OrderStore store, OrderLifecycle lifecycle, Clock clock, OrderProperties properties) {
        this(store, lifecycle, clock, properties, Schedulers.parallel());
    }

    /** With the loops' timers on {@code scheduler} (tests drive it on virtual time). */
    OrderExpiry(OrderStore store, OrderLifecycle lifecycle, Clock clock, OrderProperties properties,
            Scheduler scheduler) {
        this.store = store;
        this.lifecycle = lifecycle;
        this.clock = clock;
        this.config = properties.expiry();
        this.paymentGrace = properties.paymentGrace();
        Duration fastest = config.pollInterval();
        Duration idle = min(IDLE_PASS, properties.paymentTimeout().plus(paymentGrace).dividedBy(2));
        this.loops = new ShardLoops(store.shardCount(),
                PeriodicLoop.Pace.polling(fastest, idle.compareTo(fastest) > 0 ? idle : fastest), this::pass, log,
                "expiry", scheduler);
    }

    /** Expires what is due on one shard, then plans the shard's next pass for its earliest pending deadline. */
    private Mono<Long> pass(int shard) {
        return expireDue(shard).flatMap(expired -> expired >= config.batchSize() ? Mono.just(expired)
                : store.nextExpiry(shard)
                        .doOnNext(deadline -> {
                            Duration until = Duration.between(clock.instant(), deadline.plus(paymentGrace));
                            // An order that stays due (its transition keeps failing) is tried once per poll interval,
                            // not in a tight loop.
                            loops.wakeWithin(shard, until.compareTo(config.pollInterval()) < 0 ? config.pollInterval() : until);
                        })
                        .thenReturn(expired));
    }

    /** Expires what is due on one shard now; answers how many orders this call expired. */
    Mono<Long> expireDue(int shard) {
        return store.dueForExpiry(shard, clock.instant().minus(paymentGrace), config.batchSize())
                .concatMap(lifecycle::expire)
                .filter(OrderLifecycle.Outcome.CHANGED::equals).count();
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    @Override
    public void start() {
        loops.start();
    }

    @Override
    public void stop() {
        loops.stop();
    }

    @Override
    public boolean isRunning() {
        return loops.isRunning();
    }

    @Override
    public int getPhase() {
        return ShardLoops.phase();
    }
}
