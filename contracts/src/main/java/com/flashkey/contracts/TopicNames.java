package com.flashkey.contracts;

import java.util.Objects;

/**
 * Topic names as one deployment sees them. Production uses no prefix; each test run uses its own prefix so
 * suites that share a broker never read each other's records.
 *
 * @param prefix prepended to every topic name; empty in production
 */
public record TopicNames(String prefix) {

    public TopicNames {
        Objects.requireNonNull(prefix, "prefix");
    }

    public static TopicNames unprefixed() {
        return new TopicNames("");
    }

    /** The deployed name of one of the {@link Topics}. */
    public String of(String topic) {
        return prefix + topic;
    }
}
