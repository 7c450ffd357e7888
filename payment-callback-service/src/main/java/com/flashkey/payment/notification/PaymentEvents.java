package com.flashkey.payment.notification;

import java.time.Duration;
import java.util.List;

import reactor.core.publisher.Mono;

/** Publishes payment.succeeded (acks=all). */
public interface PaymentEvents {

    /**
     * Publishes one event per notification, all at once (the producer batches them), and waits for the broker's
     * acknowledgements, at most {@code timeout}. Never fails as a whole.
     *
     * @return per notification, in order: null once the broker acknowledged its event, else why it was not
     */
    Mono<List<Throwable>> publishAll(List<PaymentNotification> notifications, Duration timeout);
}
