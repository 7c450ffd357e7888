package com.flashkey.testsupport;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/** A Kafka broker reachable by tests; hands out uniquely prefixed topics. */
public record KafkaBroker(String bootstrapServers) {

    static KafkaBroker locate() {
        String configured = TestInfrastructure.setting("FLASHKEY_TEST_KAFKA_BOOTSTRAP", "");
        if (!configured.isBlank()) {
            return new KafkaBroker(configured);
        }
        // One in-JVM KRaft broker per test JVM; topics are prefixed per test class, so classes stay apart.
        EmbeddedKafkaKraftBroker broker = new EmbeddedKafkaKraftBroker(1, 3);
        broker.brokerProperties(Map.of("auto.create.topics.enable", "false", "transaction.state.log.replication.factor", "1",
                        "transaction.state.log.min.isr", "1", "offsets.topic.replication.factor", "1",
                        "group.initial.rebalance.delay.ms", "0"));
        broker.afterPropertiesSet();
        Runtime.getRuntime().addShutdownHook(new Thread(broker::destroy));
        return new KafkaBroker(broker.getBrokersAsString());
    }

    /**
     * Creates the given topics under a fresh prefix {@code t-<prefix>-<unique>.}; they are deleted after the class.
     *
     * @param partitions partitions per topic
     */
    public TestTopics newTopics(String prefix, int partitions, List<String> topics) {
        String topicPrefix = "t-" + prefix + "-" + TestInfrastructure.uniqueSuffix() + ".";
        List<String> names = topics.stream().map(t -> topicPrefix + t).toList();
        try (Admin admin = admin()) {
            admin.createTopics(names.stream().map(n -> new NewTopic(n, partitions, (short) 1)).toList()).all()
                    .get(30, TimeUnit.SECONDS);
        }
        catch (Exception ex) {
            throw new IllegalStateException("Kafka at " + bootstrapServers + " did not create " + names, ex);
        }
        return new TestTopics(this, topicPrefix, names);
    }

    Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000));
    }
}
