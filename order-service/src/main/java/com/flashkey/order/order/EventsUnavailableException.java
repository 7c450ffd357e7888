package com.flashkey.order.order;

/** Kafka did not accept an event this request depends on; the request did nothing durable. */
public final class EventsUnavailableException extends RuntimeException {

    public EventsUnavailableException(String orderNo, Throwable cause) {
        super("the event of order " + orderNo + " could not be published", cause);
    }
}
