package com.flashkey.notification.delivery;

import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import com.flashkey.notification.config.NotificationProperties;

import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The outbox relay: publishes order.delivered for sent messages whose inline publish did not happen (a crash after
 * sending, a broker outage that outlasted the record's retries). Publishing twice is harmless (consumers are
 * idempotent); never publishing is not.
 */
@Component
class DeliveredEventRelay implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(DeliveredEventRelay.class);
    private static final int BATCH = 200;

    private final SentMessageLog sentMessages;
    private final DeliveryService deliveries;
    private final Duration interval;
    private volatile Disposable running;

    DeliveredEventRelay(SentMessageLog sentMessages, DeliveryService deliveries, NotificationProperties properties) {
        this.sentMessages = sentMessages;
        this.deliveries = deliveries;
        this.interval = properties.relayInterval();
    }

    /** One sweep: rows sent more than one interval ago and still unpublished. */
    Mono<Long> sweep() {
        return sentMessages.findUnpublished(interval, BATCH)
                .concatMap(key -> deliveries.publishDelivered(key).thenReturn(key))
                .count();
    }

    @Override
    public void start() {
        // A background loop owned by the lifecycle, not a handler: the one place this service subscribes itself.
        running = Flux.interval(interval, interval)
                .onBackpressureDrop()
                .concatMap(tick -> sweep().onErrorResume(ex -> {
                    log.warn("order.delivered relay sweep failed: {}", ex.toString());
                    return Mono.just(0L);
                }))
                .filter(published -> published > 0)
                .subscribe(published -> log.info("order.delivered relay published {} pending events", published));
    }

    @Override
    public void stop() {
        Disposable current = running;
        if (current != null) {
            current.dispose();
        }
        running = null;
    }

    @Override
    public boolean isRunning() {
        return running != null && !running.isDisposed();
    }
}
