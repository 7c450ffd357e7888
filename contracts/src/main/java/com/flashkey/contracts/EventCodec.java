package com.flashkey.contracts;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads and writes {@link EventEnvelope}s as JSON. The envelope's {@code type} names the record of {@code data},
 * so one topic could carry several types and a consumer never guesses.
 */
public final class EventCodec {

    private static final Map<String, Class<? extends Event>> TYPES = Stream
            .of(OrderPlaced.class, OrderPaid.class, OrderExpired.class, OrderCancelled.class,
                    OrderRefundRequired.class, PaymentSucceeded.class, PaymentUnmatched.class, KeysAllocated.class, AllocationFailed.class,
                    DeliveryResendRequested.class, OrderDelivered.class, NotificationFailed.class,
                    ProductChanged.class)
            .collect(Collectors.toUnmodifiableMap(Class::getSimpleName, Function.identity()));

    private final JsonMapper mapper;

    public EventCodec() {
        // Unknown fields are tolerated so an older consumer can read a newer producer's additive change.
        this(JsonMapper.builder().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build());
    }

    public EventCodec(JsonMapper mapper) {
        this.mapper = mapper;
    }

    public byte[] write(EventEnvelope<?> envelope) {
        return mapper.writeValueAsBytes(envelope);
    }

    /**
     * Parses an envelope.
     *
     * @throws MalformedEventException when the bytes are not a known, well-formed event (a poison record)
     */
    public EventEnvelope<Event> read(byte[] json) {
        try {
            JsonNode root = mapper.readTree(json);
            String type = text(root, "type");
            Class<? extends Event> eventClass = TYPES.get(type);
            if (eventClass == null) {
                throw new MalformedEventException("unknown event type '" + type + "'");
            }
            JsonNode data = root.get("data");
            if (data == null || data.isNull()) {
                throw new MalformedEventException("event " + type + " has no data");
            }
            Event event = mapper.treeToValue(data, eventClass);
            JsonNode orderNo = root.get("orderNo");
            return new EventEnvelope<>(UUID.fromString(text(root, "id")), type,
                    root.path("version").asInt(1), Instant.parse(text(root, "occurredAt")),
                    orderNo == null || orderNo.isNull() ? null : orderNo.asString(), event);
        }
        catch (JacksonException | IllegalArgumentException | java.time.DateTimeException ex) {
            throw new MalformedEventException(ex.getClass().getSimpleName() + ": " + ex.getMessage());
        }
    }

    /** Parses an envelope whose data must be of the given type. */
    public <T extends Event> EventEnvelope<T> read(byte[] json, Class<T> expected) {
        EventEnvelope<Event> envelope = read(json);
        if (!expected.isInstance(envelope.data())) {
            throw new MalformedEventException("expected " + expected.getSimpleName() + " but got " + envelope.type());
        }
        @SuppressWarnings("unchecked")
        EventEnvelope<T> typed = (EventEnvelope<T>) envelope;
        return typed;
    }

    private static String text(JsonNode root, String field) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            throw new MalformedEventException("envelope has no " + field);
        }
        return node.asString();
    }

    /** A record that is not a FlashKey event; consumers send it to the dead-letter topic, not retry it. */
    public static final class MalformedEventException extends RuntimeException {

        public MalformedEventException(String message) {
            super(message);
        }
    }
}
