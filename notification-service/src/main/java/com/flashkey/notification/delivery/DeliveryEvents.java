package com.flashkey.notification.delivery;

/** Where delivery announces its outcomes (Kafka in production); implemented at the messaging edge. */
public interface DeliveryEvents {

    /** Publishes order.delivered; completes once the broker acknowledged it. */
    reactor.core.publisher.Mono<Void> delivered(String orderNo, String channel);

    /** Publishes notification.failed; completes once the broker acknowledged it. */
    reactor.core.publisher.Mono<Void> failed(String orderNo, String channel, String reason, int attempts);
}
