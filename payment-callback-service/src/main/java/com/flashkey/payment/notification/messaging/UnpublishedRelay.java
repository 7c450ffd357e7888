package com.flashkey.payment.notification.messaging;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import com.flashkey.contracts.loop.PeriodicLoop;
import com.flashkey.payment.config.PaymentProperties;
import com.flashkey.payment.notification.PaymentNotifications;

import reactor.core.publisher.Mono;

/**
 * Publishes recorded notifications whose publish failed or was abandoned (a crash between insert and Kafka ack),
 * so a payment is published even if the provider never retries. Consumers drop the rare double by event id. The
 * request path publishes its own rows, so this is only a safety poll: every {@code relay.interval} while it finds
 * rows, backing off to {@code relay.idle-interval} while it finds none.
 */
@Component
@ConditionalOnBooleanProperty(name = "flashkey.payment.relay.enabled", matchIfMissing = true)
class UnpublishedRelay implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(UnpublishedRelay.class);

    private final PeriodicLoop loop;

    UnpublishedRelay(PaymentNotifications notifications, PaymentProperties properties) {
        var relay = properties.relay();
        this.loop = new PeriodicLoop(PeriodicLoop.Pace.polling(relay.interval(), relay.idleInterval()),
                () -> PeriodicLoop.drain(relay.batchSize(), () -> notifications.publishUnpublished(relay.batchSize()))
                        .doOnNext(n -> {
                            if (n > 0) {
                                log.info("relay published {} recorded payment notifications", n);
                            }
                        }),
                ex -> log.warn("relay pass failed, next pass retries: {}", ex.toString()));
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
