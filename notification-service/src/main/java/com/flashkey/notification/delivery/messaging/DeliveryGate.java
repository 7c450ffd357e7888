package com.flashkey.notification.delivery.messaging;

import java.time.Duration;

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

    private final Sinks.Many<Job> queue = Sinks.many().unicast().onBackpressureBuffer();
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
            // Several consumer threads emit at once: the unicast sink needs serialized emission, so retry briefly.
            queue.emitNext(new Job(work, result), Sinks.EmitFailureHandler.busyLooping(Duration.ofSeconds(1)));
            return result.asMono();
        });
    }

    @Override
    public void destroy() {
        worker.dispose();
    }

    private record Job(Mono<Void> work, Sinks.Empty<Void> result) {
    }
}
