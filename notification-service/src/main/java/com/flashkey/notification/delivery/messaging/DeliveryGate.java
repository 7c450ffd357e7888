package com.flashkey.notification.delivery.messaging;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

import com.flashkey.notification.config.NotificationProperties;

import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * Bounds the deliveries in flight. An async (Mono) listener hands a record off and polls on, so a burst of records
 * would otherwise all start at once and starve the R2DBC pool (acquire timeouts become needless retries). Work queues
 * here and at most {@code max-in-flight} deliveries run; each record is still acknowledged only when its own
 * delivery completes.
 */
@Component
class DeliveryGate implements DisposableBean {

    // An unsafe (non-serializing) sink guarded by a lock: consumer threads emit concurrently, and the safe sink's
    // FAIL_NON_SERIALIZED busy-looping gave up under CPU starvation on this shared machine.
    private final Sinks.Many<Job> queue = Sinks.unsafe().many().unicast().onBackpressureBuffer();
    private final Object emitLock = new Object();
    private final Disposable worker;

    DeliveryGate(NotificationProperties properties) {
        // A long-lived pipeline owned by this bean (disposed on shutdown), not a subscription inside a handler.
        worker = queue.asFlux()
                .flatMap(job -> job.work()
                        .doOnSuccess(ignored -> job.result().tryEmitEmpty())
                        .doOnError(error -> job.result().tryEmitError(error))
                        .onErrorResume(error -> Mono.empty()), properties.maxInFlight())
                .subscribe();
    }

    /** Runs {@code work} when a slot is free; the returned Mono completes or fails with it. */
    Mono<Void> run(Mono<Void> work) {
        return Mono.defer(() -> {
            Sinks.Empty<Void> result = Sinks.empty();
            Sinks.EmitResult emitted;
            synchronized (emitLock) {
                emitted = queue.tryEmitNext(new Job(work, result));
            }
            return emitted.isSuccess() ? result.asMono()
                    : Mono.error(new IllegalStateException("delivery queue closed: " + emitted));
        });
    }

    @Override
    public void destroy() {
        worker.dispose();
    }

    private record Job(Mono<Void> work, Sinks.Empty<Void> result) {
    }
}
