package com.flashkey.order.inventory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;

/**
 * Natural batching of reservations: a reservation is sent at once when fewer than {@code maxInFlight} batches are on
 * their way; otherwise it waits, with everything else that arrives meanwhile, for the next free slot, and goes out in
 * one request of at most {@code maxSize}. Under light load every order travels alone (no added wait); under a flash
 * sale the orders that arrive during one inventory round trip share the next one, so HTTP and script costs are paid
 * per batch instead of per order. Each reservation gets its own answer; a failed batch fails exactly its own
 * reservations. A reservation whose caller gave up (timeout, cancel) before it was sent is not sent.
 *
 * @param <R> what one reservation answers
 */
final class ReserveBatcher<R> {

    private final int maxSize;
    private final int maxInFlight;
    private final int maxQueued;
    private final Function<List<ReservationRequest>, Mono<List<R>>> send;
    private final Function<ReservationRequest, Throwable> overloaded;
    private final Object lock = new Object();
    /** Guarded by lock. */
    private final ArrayDeque<Pending<R>> queue = new ArrayDeque<>();
    /** Guarded by lock. */
    private int inFlight;

    /**
     * @param send       sends one batch; answers one element per request, in order (anything else fails the batch)
     * @param overloaded the error for a reservation refused because {@code maxQueued} are already waiting
     */
    ReserveBatcher(int maxSize, int maxInFlight, int maxQueued, Function<List<ReservationRequest>, Mono<List<R>>> send,
            Function<ReservationRequest, Throwable> overloaded) {
        this.maxSize = maxSize;
        this.maxInFlight = maxInFlight;
        this.maxQueued = maxQueued;
        this.send = send;
        this.overloaded = overloaded;
    }

    Mono<R> submit(ReservationRequest request) {
        return Mono.create(sink -> {
            Pending<R> pending = new Pending<>(request, sink);
            // Registered first: a caller that gives up while its reservation still waits takes it out of the queue.
            sink.onCancel(() -> {
                synchronized (lock) {
                    queue.remove(pending);
                }
            });
            List<Pending<R>> batch = null;
            synchronized (lock) {
                if (queue.size() >= maxQueued) {
                    batch = List.of();
                }
                else {
                    queue.addLast(pending);
                    if (inFlight < maxInFlight) {
                        inFlight++;
                        batch = drain();
                    }
                }
            }
            if (batch != null && batch.isEmpty()) {
                sink.error(overloaded.apply(request));
            }
            else if (batch != null) {
                dispatch(batch);
            }
        });
    }

    /** Takes the next batch off the queue; the caller holds the lock and owns a slot. */
    private List<Pending<R>> drain() {
        List<Pending<R>> batch = new ArrayList<>(Math.min(queue.size(), maxSize));
        while (!queue.isEmpty() && batch.size() < maxSize) {
            batch.add(queue.pollFirst());
        }
        return batch;
    }

    /*
     * The batch is shared by many requests, so it is subscribed here rather than by any one of them; each request
     * hears its own element. When it finishes, the same slot takes whatever queued up meanwhile.
     */
    private void dispatch(List<Pending<R>> batch) {
        List<ReservationRequest> requests = new ArrayList<>(batch.size());
        batch.forEach(p -> requests.add(p.request()));
        Mono.defer(() -> send.apply(requests))
                .switchIfEmpty(Mono.error(() -> new IllegalStateException("inventory answered no reservations")))
                .subscribe(answers -> {
                    if (answers.size() != batch.size()) {
                        IllegalStateException wrong = new IllegalStateException(
                                "inventory answered " + answers.size() + " of " + batch.size() + " reservations");
                        batch.forEach(p -> p.sink().error(wrong));
                        return;
                    }
                    for (int i = 0; i < batch.size(); i++) {
                        batch.get(i).sink().success(answers.get(i));
                    }
                }, error -> {
                    batch.forEach(p -> p.sink().error(error));
                    next();
                }, this::next);
    }

    private void next() {
        List<Pending<R>> batch;
        synchronized (lock) {
            if (queue.isEmpty()) {
                inFlight--;
                return;
            }
            batch = drain();
        }
        dispatch(batch);
    }

    /** Batches on their way now (for tests). */
    int inFlight() {
        synchronized (lock) {
            return inFlight;
        }
    }

    /** One waiting reservation; compared by identity (the queue removes exactly this one on cancel). */
    private static final class Pending<R> {

        private final ReservationRequest request;
        private final MonoSink<R> sink;

        Pending(ReservationRequest request, MonoSink<R> sink) {
            this.request = request;
            this.sink = sink;
        }

        ReservationRequest request() {
            return request;
        }

        MonoSink<R> sink() {
            return sink;
        }
    }
}
