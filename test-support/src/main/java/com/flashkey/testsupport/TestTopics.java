package com.flashkey.testsupport;

import java.util.List;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * Topics owned by one test class, all under one prefix. Services read the prefix from
 * {@code flashkey.kafka.topic-prefix}, so their topic names resolve to these.
 */
public final class TestTopics implements AfterAllCallback, AutoCloseable {

    private final KafkaBroker broker;
    private final String prefix;
    private final List<String> names;

    TestTopics(KafkaBroker broker, String prefix, List<String> names) {
        this.broker = broker;
        this.prefix = prefix;
        this.names = List.copyOf(names);
    }

    public String prefix() {
        return prefix;
    }

    /** The full name of a topic, e.g. {@code name("order.placed")}. */
    public String name(String topic) {
        return prefix + topic;
    }

    public String bootstrapServers() {
        return broker.bootstrapServers();
    }

    /**
     * Points {@code spring.kafka.bootstrap-servers} and {@code flashkey.kafka.topic-prefix} at these topics, and
     * gives the class consumer groups of its own: test classes share one broker, and a group shared with an
     * earlier class waits for that class's members to leave (up to {@code max.poll.interval.ms}, 5 min) before
     * this class's consumers get a partition.
     */
    public void registerKafka(DynamicPropertyRegistry registry) {
        registry.add("spring.kafka.bootstrap-servers", broker::bootstrapServers);
        registry.add("flashkey.kafka.topic-prefix", this::prefix);
        registry.add("spring.kafka.consumer.group-id", () -> prefix + "group");
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    @Override
    public void close() {
        try (Admin admin = broker.admin()) {
            // Also the topics a service created under this prefix itself (retry and dead-letter topics).
            java.util.Set<String> owned = new java.util.TreeSet<>(names);
            admin.listTopics().names().get(30, TimeUnit.SECONDS).stream().filter(t -> t.startsWith(prefix))
                    .forEach(owned::add);
            admin.deleteTopics(owned).all().get(30, TimeUnit.SECONDS);
        }
        catch (Exception ex) {
            // Leftover topics carry a unique prefix and harm no other run; say so rather than fail the suite.
            System.err.println("test-support: could not delete topics " + names + ": " + ex.getMessage());
        }
    }
}
