package com.flashkey.inventory.config;

import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A background pass repeated every {@code interval} while the application runs: one pass at a time (a tick that
 * comes while a pass is still running is dropped), and a failed pass is logged and waits for the next tick.
 */
public abstract class PeriodicTask implements SmartLifecycle {

    private final Logger log = LoggerFactory.getLogger(getClass());
    private final Duration interval;
    private final String failure;
    private volatile Disposable ticker;

    /** {@code failure} starts the warning logged when a pass fails, e.g. "reservation sweep failed". */
    protected PeriodicTask(Duration interval, String failure) {
        this.interval = interval;
        this.failure = failure;
    }

    /** One pass; what it emits is ignored. */
    protected abstract Mono<?> runOnce();

    @Override
    public void start() {
        ticker = Flux.interval(interval).onBackpressureDrop()
                .concatMap(tick -> runOnce().then().onErrorResume(ex -> {
                    log.warn("{}: {}", failure, ex.toString());
                    return Mono.empty();
                }), 1)
                .subscribe();
    }

    @Override
    public void stop() {
        Disposable t = ticker;
        if (t != null) {
            t.dispose();
        }
    }

    @Override
    public boolean isRunning() {
        Disposable t = ticker;
        return t != null && !t.isDisposed();
    }
}
