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
public class DeliveredEventRelay implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(DeliveredEventRelay.class);
    private static final int BATCH = 200;
    /** Retention runs a minute after start and while it finds rows, then backs off to an hour. */
    static final Duration RETENTION_POLL = Duration.ofMinutes(1);
    static final int PURGE_BATCH = 1000;

    private final SentMessageLog sentMessages;
    private final DeliveryService deliveries;
    private final Duration interval;
    private final PeriodicLoop loop;
    private final PeriodicLoop retention;
    private final Duration keepSent;

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
        this.keepSent = properties.keepSent();
        this.retention = new PeriodicLoop(PeriodicLoop.Pace.polling(RETENTION_POLL, RETENTION_POLL.multipliedBy(60)),
                this::purge, ex -> log.warn("sent-message retention failed, will retry: {}", ex.toString()));
    }

    /** Deletes settled rows older than {@code keep-sent}, {@link #PURGE_BATCH} per statement; answers how many. */
    public Mono<Long> purge() {
        return PeriodicLoop.drain(PURGE_BATCH, () -> sentMessages.deleteSettled(keepSent, PURGE_BATCH));
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
        retention.start();
    }

    @Override
    public void stop() {
        retention.stop();
        loop.stop();
    }

    @Override
    public boolean isRunning() {
        return loop.isRunning();
    }
}
