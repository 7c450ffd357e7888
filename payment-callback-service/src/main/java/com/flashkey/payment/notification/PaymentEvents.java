package com.flashkey.payment.notification;

import reactor.core.publisher.Mono;

/** Publishes payment.succeeded; completes only once the broker acknowledged it (acks=all). */
public interface PaymentEvents {

    Mono<Void> publishPaymentSucceeded(PaymentNotification notification);
}
