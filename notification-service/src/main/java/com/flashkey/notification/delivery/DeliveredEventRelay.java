package com.flashkey.notification.delivery;

import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import com.flashkey.contracts.loop.PeriodicLoop;
import com.flashkey.notification.config.NotificationProperties;

import reactor.core.publisher.Mono;

/**
 * The outbox relay: publishes order.delivered for sent messages whose inline publish did not happen (a crash after
 * sending, a broker outage that outlasted the record's retries). Publishing twice is harmless (consumers are
 * idempotent); never publishing is not. The inline publish is the normal path, so this is a safety poll on the
 * shape every FlashKey relay shares: every {@code relay-interval} while it finds rows, backing off to three times
 * that while it finds none.
 */
@Component
class DeliveredEventRelay implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(DeliveredEventRelay.class);
    private static final int BATCH = 200;

    private final SentMessageLog sentMessages;
    private final DeliveryService deliveries;
    private final Duration interval;
    private final PeriodicLoop loop;

    DeliveredEventRelay(SentMessageLog sentMessages, DeliveryService deliveries, NotificationProperties properties) {
        this.sentMessages = sentMessages;
        this.deliveries = deliveries;
        this.interval = properties.relayInterval();
        this.loop = new PeriodicLoop(PeriodicLoop.Pace.polling(interval, interval.multipliedBy(3)),
                () -> sweep().doOnNext(published -> {
                    if (published > 0) {
                        log.info("order.delivered relay published {} pending events", published);
                    }
                }),
                ex -> log.warn("order.delivered relay sweep failed: {}", ex.toString()));
    }

    /** One sweep: rows sent more than one interval ago and still unpublished. */
    Mono<Long> sweep() {
        return sentMessages.findUnpublished(interval, BATCH)
                .concatMap(key -> deliveries.publishDelivered(key).thenReturn(key))
                .count();
    }

    @Override
    public void start() {
        loop.start();
    }

    @Override
    public void stop() {
        loop.stop();
    }

    @Override
    public boolean isRunning() {
        return loop.isRunning();
    }
}
