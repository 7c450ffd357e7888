package com.flashkey.order.order;

import java.time.Clock;
import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import org.springframework.stereotype.Component;

import com.flashkey.order.config.OrderProperties;

/**
 * Expires unpaid orders once their deadline plus the payment grace has passed (providers report payments a little
 * late; the buyer is shown the deadline itself). Each shard is read through its (status, expires_at) index for due
 * PENDING_PAYMENT rows only, never scanned whole; each due order goes through {@link OrderLifecycle#expire}, a
 * conditional transition that writes order.expired to the outbox (inventory then releases the stock). Several
 * replicas may run this: the conditional update lets only one of them expire an order.
 */
@Component
class OrderExpiry extends PerShardLoop {

    private static final Logger log = LoggerFactory.getLogger(OrderExpiry.class);

    private final OrderStore store;
    private final OrderLifecycle lifecycle;
    private final Clock clock;
    private final OrderProperties.Expiry config;
    private final Duration paymentGrace;

    OrderExpiry(OrderStore store, OrderLifecycle lifecycle, Clock clock, OrderProperties properties) {
        super(log, "expiry");
        this.store = store;
        this.lifecycle = lifecycle;
        this.clock = clock;
        this.config = properties.expiry();
        this.paymentGrace = properties.paymentGrace();
    }

    @Override
    protected Duration pollInterval() {
        return config.pollInterval();
    }

    @Override
    protected int shardCount() {
        return store.shardCount();
    }

    @Override
    protected Mono<Long> pass(int shard) {
        return expireDue(shard);
    }

    /** Expires what is due on one shard now; answers how many orders this call expired. */
    Mono<Long> expireDue(int shard) {
        return store.dueForExpiry(shard, clock.instant().minus(paymentGrace), config.batchSize())
                .concatMap(lifecycle::expire)
                .filter(OrderLifecycle.Outcome.CHANGED::equals).count();
    }
}
