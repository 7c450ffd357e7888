package com.flashkey.order.order;

import java.time.Clock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import com.flashkey.order.config.OrderProperties;

/**
 * Expires unpaid orders at their deadline. Each shard is read through its (status, expires_at) index for due
 * PENDING_PAYMENT rows only, never scanned whole; each due order goes through {@link OrderLifecycle#expire}, a
 * conditional transition that writes order.expired to the outbox (inventory then releases the stock). Several
 * replicas may run this: the conditional update lets only one of them expire an order.
 */
@Component
class OrderExpiry implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(OrderExpiry.class);

    private final OrderStore store;
    private final OrderLifecycle lifecycle;
    private final Clock clock;
    private final OrderProperties.Expiry config;
    private volatile Disposable running;

    OrderExpiry(OrderStore store, OrderLifecycle lifecycle, Clock clock, OrderProperties properties) {
        this.store = store;
        this.lifecycle = lifecycle;
        this.clock = clock;
        this.config = properties.expiry();
    }

    @Override
    public void start() {
        Disposable.Composite all = Disposables.composite();
        for (int shard = 0; shard < store.shardCount(); shard++) {
            int s = shard;
            // A background loop per shard, owned by this lifecycle bean (not a request handler).
            all.add(Flux.interval(config.pollInterval()).onBackpressureDrop()
                    .concatMap(tick -> expireDue(s).onErrorResume(ex -> {
                        log.warn("expiry of shard {} failed, will retry: {}", s, ex.toString());
                        return Mono.empty();
                    }))
                    .subscribe());
        }
        running = all;
    }

    /** Expires what is due on one shard now; answers how many orders this call expired. */
    Mono<Long> expireDue(int shard) {
        return store.dueForExpiry(shard, clock.instant(), config.batchSize()).concatMap(lifecycle::expire)
                .filter(OrderLifecycle.Outcome.CHANGED::equals).count();
    }

    @Override
    public void stop() {
        Disposable r = running;
        if (r != null) {
            r.dispose();
        }
        running = null;
    }

    @Override
    public boolean isRunning() {
        return running != null;
    }

    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 1000;
    }
}
