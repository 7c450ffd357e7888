package com.flashkey.payment.notification;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;

/**
 * Group commit: callers submit one item each and get their own result, but the items are written in batches, one
 * statement (one commit) per batch. There is no timer: at most {@code maxInFlight} batches run at once, and whatever
 * arrives while they run waits and becomes the next batch (at most {@code maxRows} items). A lone caller is written
 * at once; under load the batches grow by themselves, so the commit rate stops being the limit.
 * <p>
 * A caller's Mono completes only after its batch's statement completed (the commit), with the result for its own
 * item; when the statement fails, every caller of that batch gets the error. A cancelled caller's item is still
 * written (it may already be in a batch); what that means is the writer's business (a RECEIVED row, see the relay).
 *
 * @param <T> one caller's item
 * @param <R> one caller's result
 */
final class GroupCommit<T, R> {

    private final int maxRows;
    private final int maxInFlight;
    private final Function<List<T>, Mono<List<R>>> writer;
    private final Queue<Waiter<T, R>> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger waiting = new AtomicInteger();

    /**
     * @param writer writes a batch in one statement and returns one result per item, in the items' order
     */
    GroupCommit(int maxRows, int maxInFlight, Function<List<T>, Mono<List<R>>> writer) {
        if (maxRows < 1 || maxInFlight < 1) {
            throw new IllegalArgumentException("maxRows and maxInFlight must be positive");
        }
        this.maxRows = maxRows;
        this.maxInFlight = maxInFlight;
        this.writer = writer;
    }

    /** Queues the item; completes with its result once its batch is written. */
    Mono<R> submit(T item) {
        return Mono.create(sink -> {
            waiting.incrementAndGet();
            queue.add(new Waiter<>(item, sink));
            drain();
        });
    }

    /** Callers whose item is not in a batch yet. */
    int waiting() {
        return waiting.get();
    }

    /** Batches being written. */
    int inFlight() {
        return inFlight.get();
    }

    private void drain() {
        // Lock-free: a submitter adds before it reads inFlight, a finishing batch decrements before it reads the
        // queue, so at least one of them sees the other and no item is left behind.
        while (true) {
            int running = inFlight.get();
            if (running >= maxInFlight || queue.isEmpty()) {
                return;
            }
            if (!inFlight.compareAndSet(running, running + 1)) {
                continue;
            }
            List<Waiter<T, R>> batch = new ArrayList<>(Math.min(maxRows, 64));
            Waiter<T, R> waiter;
            while (batch.size() < maxRows && (waiter = queue.poll()) != null) {
                waiting.decrementAndGet();
                batch.add(waiter);
            }
            if (batch.isEmpty()) {
                inFlight.decrementAndGet();
                continue;
            }
            write(batch);
        }
    }

    private void write(List<Waiter<T, R>> batch) {
        List<T> items = new ArrayList<>(batch.size());
        for (Waiter<T, R> waiter : batch) {
            items.add(waiter.item());
        }
        Mono<List<R>> written;
        try {
            written = writer.apply(items);
        }
        catch (RuntimeException ex) {
            written = Mono.error(ex);
        }
        // One subscription: the statement runs once. The slot is given back when it finished, whichever way.
        written.switchIfEmpty(Mono.error(() -> new IllegalStateException("batch written without results")))
                .doFinally(signal -> {
                    inFlight.decrementAndGet();
                    drain();
                })
                .subscribe(results -> answer(batch, results), ex -> fail(batch, ex));
    }

    private static <T, R> void answer(List<Waiter<T, R>> batch, List<R> results) {
        if (results.size() != batch.size()) {
            fail(batch, new IllegalStateException(
                    "batch of " + batch.size() + " answered with " + results.size() + " results"));
            return;
        }
        for (int i = 0; i < batch.size(); i++) {
            batch.get(i).sink().success(results.get(i));
        }
    }

    private static <T, R> void fail(List<Waiter<T, R>> batch, Throwable ex) {
        for (Waiter<T, R> waiter : batch) {
            waiter.sink().error(ex);
        }
    }

    private record Waiter<T, R>(T item, MonoSink<R> sink) {
    }
}
