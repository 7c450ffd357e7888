package com.flashkey.contracts;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * The one envelope every FlashKey event travels in.
 *
 * @param id         unique event id; consumers de-duplicate on it
 * @param type       the event type name, e.g. {@code OrderPlaced}
 * @param version    schema version of {@code data}; bumped on incompatible change
 * @param occurredAt when the fact happened (UTC)
 * @param orderNo    the order the event concerns, also the Kafka key; null for events about no order
 * @param data       the event itself
 * @param <T>        the event record type
 */
public record EventEnvelope<T extends Event>(UUID id, String type, int version, Instant occurredAt, String orderNo, T data) {

    public EventEnvelope {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(occurredAt, "occurredAt");
        Objects.requireNonNull(data, "data");
    }

    /** Wraps an event with a fresh id, taking the order number from the event when it has one. */
    public static <T extends Event> EventEnvelope<T> of(T event, Instant occurredAt) {
        String orderNo = event instanceof OrderEvent oe ? oe.orderNo() : null;
        return new EventEnvelope<>(UUID.randomUUID(), event.eventType(), event.eventVersion(), occurredAt, orderNo, event);
    }

    /** The Kafka record key: the order number, so one order's events stay in one partition, in order. */
    public String key() {
        return orderNo;
    }
}
