package com.flashkey.contracts;

/** A past-tense fact published on Kafka. */
public sealed interface Event permits OrderEvent, ProductChanged {

    /** The type name written into the envelope; the simple record name. */
    default String eventType() {
        return getClass().getSimpleName();
    }

    /** Schema version of this event's fields. */
    default int eventVersion() {
        return 1;
    }
}
