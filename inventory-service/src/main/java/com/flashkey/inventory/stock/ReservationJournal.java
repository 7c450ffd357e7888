package com.flashkey.inventory.stock;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import com.flashkey.contracts.loop.PeriodicLoop;
import com.flashkey.inventory.config.InventoryProperties;

import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * Write-behind of reservations: the reserve call answers from Redis and queues its record here; the journal writes
 * queued records to the database in multi-row upserts at most {@code journal-interval} after they were queued (and
 * not at all while none are), so the sale's write peak never becomes one commit per request. Records stay queued
 * (in order) until a write succeeds; a failed write is retried with back-off. Writes are serialised, so records
 * reach the database in the order they were queued.
 */
@Component
public class ReservationJournal implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ReservationJournal.class);

    private final ReservationRepository repository;
    private final InventoryProperties properties;
    private final Clock clock;
    private final Deque<Reservation> queue = new ArrayDeque<>();
    private final Object flushLock = new Object();
    /** A write is running; guarded by flushLock. */
    private boolean writing;
    /** Completes with the write after the running one; guarded by flushLock. */
    private Sinks.Empty<Void> nextWrite;
    private final PeriodicLoop loop;

    public ReservationJournal(ReservationRepository repository, InventoryProperties properties, Clock clock) {
        this.repository = repository;
        this.properties = properties;
        this.clock = clock;
        this.loop = new PeriodicLoop(PeriodicLoop.Pace.onDemand(properties.journalInterval(), Duration.ofSeconds(5)),
                () -> flush().thenReturn(1L), ex -> log.warn("reservation journal write failed, {} records stay queued: {}",
                        queued(), ex.toString()));
    }

    /** Queues a record; it is written within {@code journal-interval}. */
    public void record(Reservation reservation) {
        enqueue(reservation);
        loop.wakeWithin(properties.journalInterval());
    }

    private void enqueue(Reservation reservation) {
        synchronized (queue) {
            queue.addLast(reservation);
        }
    }

    /**
     * Queues a record and completes once it is in the database, for callers that must not go on before that (a
     * consumed event acked after its write). Callers that arrive together share the flush that writes them.
     */
    public Mono<Void> recordAndFlush(Reservation reservation) {
        return Mono.defer(() -> {
            enqueue(reservation);
            return flush();
        });
    }

    /**
     * Queues several records (in their order) and completes once all of them are in the database: a consumed poll
     * of order.placed becomes one write, acked after it.
     */
    public Mono<Void> recordAndFlush(List<Reservation> reservations) {
        return Mono.defer(() -> {
            synchronized (queue) {
                queue.addAll(reservations);
            }
            return flush();
        });
    }

    /** As many records wait as {@code journal-max-queued} allows: new reservations must wait for the database. */
    public boolean full() {
        return queued() >= properties.journalMaxQueued();
    }

    public int queued() {
        synchronized (queue) {
            return queue.size();
        }
    }

    /**
     * Writes everything queued before this call; completes when it is in the database. Callers that arrive while a
     * write runs share the next one (group commit), so a burst of callers costs a few statements, not one each.
     */
    public Mono<Void> flush() {
        return Mono.defer(() -> {
            Sinks.Empty<Void> done;
            boolean start;
            synchronized (flushLock) {
                if (nextWrite == null) {
                    nextWrite = Sinks.empty();
                }
                done = nextWrite;
                start = !writing;
                if (start) {
                    writing = true;
                    nextWrite = null;
                }
            }
            if (start) {
                write(done);
            }
            return done.asMono();
        });
    }

    /*
     * One write at a time, each draining the whole queue. Its waiters are completed here rather than by chaining
     * each flush onto the previous one: such a chain keeps every earlier flush reachable (the journal flushes
     * several times a second, for as long as the process runs) and completes its waiters by deep recursion.
     */
    private void write(Sinks.Empty<Void> done) {
        Mono.defer(this::drain).subscribe(null, ex -> finish(done, ex), () -> finish(done, null));
    }

    private void finish(Sinks.Empty<Void> done, Throwable error) {
        Sinks.Empty<Void> next;
        synchronized (flushLock) {
            next = nextWrite;
            nextWrite = null;
            writing = next != null;
        }
        if (error == null) {
            done.tryEmitEmpty();
        }
        else {
            done.tryEmitError(error);
        }
        if (next != null) {
            write(next);
        }
    }

    private Mono<Void> drain() {
        List<Reservation> batch;
        synchronized (queue) {
            if (queue.isEmpty()) {
                return Mono.empty();
            }
            batch = new ArrayList<>(Math.min(queue.size(), properties.journalBatchRows()));
            while (!queue.isEmpty() && batch.size() < properties.journalBatchRows()) {
                batch.add(queue.pollFirst());
            }
        }
        return repository.upsert(batch, clock.instant()).then(Mono.defer(this::drain)).onErrorResume(ex -> {
            synchronized (queue) {
                for (int i = batch.size() - 1; i >= 0; i--) {
                    queue.addFirst(batch.get(i));
                }
            }
            return Mono.error(ex);
        });
    }

    @Override
    public void start() {
        loop.start();
    }

    @Override
    public void stop() {
        stop(() -> { });
    }

    @Override
    public void stop(Runnable callback) {
        loop.stop();
        // Last chance to persist what is queued before the process goes away; asynchronous, the callback ends it.
        flush().timeout(Duration.ofSeconds(5))
                .doOnError(ex -> log.warn("reservation journal could not write {} queued records at shutdown: {}",
                        queued(), ex.toString()))
                .onErrorResume(ex -> Mono.empty())
                .doFinally(signal -> callback.run())
                .subscribe();
    }

    @Override
    public boolean isRunning() {
        return loop.isRunning();
    }
}
