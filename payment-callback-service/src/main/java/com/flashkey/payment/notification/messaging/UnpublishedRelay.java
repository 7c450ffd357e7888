package com.flashkey.payment.notification.messaging;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import com.flashkey.payment.config.PaymentProperties;
import com.flashkey.payment.notification.PaymentNotifications;

import reactor.core.publisher.Mono;

/**
 * Publishes recorded notifications whose publish failed or was abandoned (a crash between insert and Kafka ack),
 * so a payment is published even if the provider never retries. Consumers drop the rare double by event id.
 */
@Component
@ConditionalOnBooleanProperty(name = "flashkey.payment.relay.enabled", matchIfMissing = true)
class UnpublishedRelay {

    private static final Logger log = LoggerFactory.getLogger(UnpublishedRelay.class);

    private final PaymentNotifications notifications;
    private final PaymentProperties properties;

    UnpublishedRelay(PaymentNotifications notifications, PaymentProperties properties) {
        this.notifications = notifications;
        this.properties = properties;
    }

    @Scheduled(fixedDelayString = "${flashkey.payment.relay.interval}", initialDelayString = "${flashkey.payment.relay.interval}")
    Mono<Void> publishUnpublished() {
        return notifications.publishUnpublished(properties.relay().batchSize())
                .doOnNext(n -> {
                    if (n > 0) {
                        log.info("relay published {} recorded payment notifications", n);
                    }
                })
                .onErrorResume(ex -> {
                    log.warn("relay pass failed, next pass retries: {}", ex.getMessage());
                    return Mono.empty();
                })
                .then();
    }
}
