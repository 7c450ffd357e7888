package com.flashkey.order.order;

import java.time.Duration;

import org.slf4j.Logger;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.context.SmartLifecycle;

/**
 * A background loop per shard, owned by a lifecycle bean (not a request handler): every poll interval it runs one
 * pass on each shard; a failed pass is logged and retried at the next tick, ticks that arrive while a pass runs are
 * dropped. Stops before the Kafka listener containers and the pools.
 */
public abstract class PerShardLoop implements SmartLifecycle {

    private final Logger log;
    private final String name;
    private volatile Disposable running;

    /** {@code name} says what the loop does in its log lines ("expiry", "outbox relay"). */
    protected PerShardLoop(Logger log, String name) {
        this.log = log;
        this.name = name;
    }

    protected abstract Duration pollInterval();

    protected abstract int shardCount();

    /** One pass over one shard. */
    protected abstract Mono<?> pass(int shard);

    @Override
    public void start() {
        Disposable.Composite all = Disposables.composite();
        for (int shard = 0; shard < shardCount(); shard++) {
            int s = shard;
            all.add(Flux.interval(pollInterval()).onBackpressureDrop()
                    .concatMap(tick -> pass(s).onErrorResume(ex -> {
                        log.warn("{} of shard {} failed, will retry: {}", name, s, ex.toString());
                        return Mono.empty();
                    }))
                    .subscribe());
        }
        running = all;
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
