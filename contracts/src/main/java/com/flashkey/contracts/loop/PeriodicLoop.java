package com.flashkey.contracts.loop;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The one shape of a background loop in every FlashKey service (outbox relays, expiry, sweepers, write-behind
 * flushes, refreshes). One pass at a time; a pass answers how much work it did, and the loop paces itself by that:
 * <ul>
 * <li>a pass that did work brings the next one back to {@link Pace#fastest()};</li>
 * <li>a pass that found nothing (or failed: logged by the owner, retried) doubles the pause, up to
 * {@link Pace#slowest()}, so an idle service costs (almost) nothing;</li>
 * <li>{@link #wake()} runs a pass as soon as possible, for a writer in the same process that just made work (an
 * outbox row committed); a wake during a pass runs one more pass right after it, so nothing committed meanwhile
 * waits for the slow poll; {@link #wakeWithin(Duration)} asks for a pass no later than that (write-behind,
 * a known deadline). Wakes are coalesced and cheap enough for a request path.</li>
 * </ul>
 * An {@link Pace#onDemand on-demand} loop does not poll at all: it runs only when woken, and after a failed pass
 * retries with the same back-off until a pass succeeds. Times are the scheduler's, so tests drive a loop with a
 * virtual-time scheduler. Start and stop belong to the owner's lifecycle.
 */
public final class PeriodicLoop {

    private static final long NEVER = Long.MAX_VALUE;

    /**
     * How a loop paces itself.
     *
     * @param fastest pause after a pass that did work (the first pause, too)
     * @param slowest longest pause: reached by doubling while passes find nothing or fail
     * @param polls   false: passes run only when woken (and as retries after a failure)
     */
    public record Pace(Duration fastest, Duration slowest, boolean polls) {

        public Pace {
            Objects.requireNonNull(fastest, "fastest");
            Objects.requireNonNull(slowest, "slowest");
            if (fastest.toMillis() < 1 || slowest.compareTo(fastest) < 0) {
                throw new IllegalArgumentException("need 1 ms <= fastest <= slowest, got " + fastest + ", " + slowest);
            }
        }

        /** Polls every {@code fastest} while there is work, backing off to {@code slowest} while there is none. */
        public static Pace polling(Duration fastest, Duration slowest) {
            return new Pace(fastest, slowest, true);
        }

        /** Polls at a fixed interval whatever it finds (a refresh that must stay that fresh). */
        public static Pace fixed(Duration interval) {
            return new Pace(interval, interval, true);
        }

        /** Runs only when woken; a failed pass is retried after {@code retryFirst}, doubling up to {@code retryMax}. */
        public static Pace onDemand(Duration retryFirst, Duration retryMax) {
            return new Pace(retryFirst, retryMax, false);
        }
    }

    private final Pace pace;
    private final Supplier<? extends Mono<Long>> pass;
    private final Consumer<Throwable> onFailure;
    private final Scheduler scheduler;
    private final long fastestMs;
    private final long slowestMs;
    private final Object lock = new Object();

    // Guarded by lock.
    private boolean started;
    private boolean running;
    private long intervalMs;
    private Disposable timer;
    private long timerAt = NEVER;
    private long timerGeneration;
    private long requestedAt = NEVER;
    private Disposable.Swap current;

    /** The earliest time a pass is already planned for; lets a wake return without the lock. */
    private volatile long plannedAt = NEVER;

    /**
     * @param pace      how the loop paces itself
     * @param pass      one pass: emits how much work it did (0 or empty: nothing found)
     * @param onFailure told about a failed pass (the owner logs it); the loop retries after its back-off
     */
    public PeriodicLoop(Pace pace, Supplier<? extends Mono<Long>> pass, Consumer<Throwable> onFailure) {
        this(pace, pass, onFailure, Schedulers.parallel());
    }

    /** As above, with timers on {@code scheduler} (tests pass a virtual-time scheduler). */
    public PeriodicLoop(Pace pace, Supplier<? extends Mono<Long>> pass, Consumer<Throwable> onFailure,
            Scheduler scheduler) {
        this.pace = Objects.requireNonNull(pace, "pace");
        this.pass = Objects.requireNonNull(pass, "pass");
        this.onFailure = Objects.requireNonNull(onFailure, "onFailure");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.fastestMs = pace.fastest().toMillis();
        this.slowestMs = pace.slowest().toMillis();
        this.intervalMs = fastestMs;
    }

    /**
     * Repeats {@code batch} while it comes back full (emits {@code batchSize}), summing what the batches did: the pass
     * of a relay that claims at most {@code batchSize} rows at a time and must empty its backlog.
     */
    public static Mono<Long> drain(int batchSize, Supplier<? extends Mono<Long>> batch) {
        return Mono.defer(batch).defaultIfEmpty(0L)
                .expand(done -> done >= batchSize ? Mono.defer(batch).defaultIfEmpty(0L) : Mono.empty())
                .reduce(0L, Long::sum);
    }

    /**
     * Starts the loop: its first pass follows after {@link Pace#fastest()}, on-demand loops included (a wake that
     * came before the start is not lost).
     */
    public void start() {
        synchronized (lock) {
            if (started) {
                return;
            }
            started = true;
            intervalMs = fastestMs;
            plan(now() + fastestMs);
        }
    }

    /** Stops the loop: no further pass; a running pass is cancelled. */
    public void stop() {
        synchronized (lock) {
            started = false;
            cancelTimer();
            plannedAt = NEVER;
            requestedAt = NEVER;
            if (current != null) {
                current.dispose();
                current = null;
            }
        }
    }

    public boolean isRunning() {
        synchronized (lock) {
            return started;
        }
    }

    /** A pass as soon as possible (one more after the running one, if one runs). */
    public void wake() {
        wakeWithin(Duration.ZERO);
    }

    /** A pass no later than {@code delay} from now; a pass already planned sooner stays as it is. */
    public void wakeWithin(Duration delay) {
        long at = now() + Math.max(0, delay.toMillis());
        if (plannedAt <= at) {
            return; // the common case under load: a pass is already coming soon enough
        }
        synchronized (lock) {
            if (!started) {
                return;
            }
            if (running) {
                if (at < requestedAt) {
                    requestedAt = at;
                    plannedAt = Math.min(plannedAt, at);
                }
                return;
            }
            plan(at);
        }
    }

    /** The pause the loop takes after its next pass if that pass finds nothing (tests and diagnostics). */
    public Duration currentInterval() {
        synchronized (lock) {
            return Duration.ofMillis(intervalMs);
        }
    }

    /** Guarded by lock: make sure a pass runs no later than {@code at}. */
    private void plan(long at) {
        if (timerAt <= at) {
            return;
        }
        cancelTimer();
        long generation = ++timerGeneration;
        timerAt = at;
        plannedAt = at;
        Disposable scheduled;
        try {
            scheduled = scheduler.schedule(() -> fire(generation), Math.max(0, at - now()), TimeUnit.MILLISECONDS);
        }
        catch (RejectedExecutionException ex) {
            // the scheduler is shutting down with the process: no more passes
            timerAt = NEVER;
            plannedAt = NEVER;
            return;
        }
        // A scheduler may run a due task inline (a virtual-time one does): then this timer is spent already.
        if (timerGeneration == generation && timerAt == at) {
            timer = scheduled;
        }
    }

    private void cancelTimer() {
        if (timer != null) {
            timer.dispose();
            timer = null;
        }
        timerAt = NEVER;
    }

    private void fire(long generation) {
        Disposable.Swap subscription = Disposables.swap();
        synchronized (lock) {
            if (generation != timerGeneration || timerAt == NEVER) {
                return; // replaced or cancelled meanwhile
            }
            timer = null;
            timerAt = NEVER;
            if (!started || running) {
                return;
            }
            running = true;
            requestedAt = NEVER;
            plannedAt = NEVER;
            current = subscription;
        }
        Mono<Long> work;
        try {
            work = Objects.requireNonNull(pass.get(), "pass returned null");
        }
        catch (RuntimeException ex) {
            work = Mono.error(ex);
        }
        subscription.update(work.defaultIfEmpty(0L)
                .subscribe(done -> finished(done, null), ex -> finished(0, ex)));
    }

    private void finished(long done, Throwable failure) {
        if (failure != null) {
            try {
                onFailure.accept(failure);
            }
            catch (RuntimeException ignored) {
                // a failing failure handler must not stop the loop
            }
        }
        synchronized (lock) {
            running = false;
            current = null;
            if (!started) {
                return;
            }
            // intervalMs is the pause after the next pass that finds nothing: work snaps it back, idleness grows it.
            long pause;
            if (failure == null && (done > 0 || !pace.polls())) {
                pause = fastestMs;
                intervalMs = fastestMs;
            }
            else {
                pause = intervalMs;
                intervalMs = Math.min(slowestMs, intervalMs * 2);
            }
            long next = pace.polls() || failure != null ? now() + pause : NEVER;
            next = Math.min(next, requestedAt);
            requestedAt = NEVER;
            plannedAt = NEVER;
            if (next != NEVER) {
                plan(next);
            }
        }
    }

    private long now() {
        return scheduler.now(TimeUnit.MILLISECONDS);
    }
}
