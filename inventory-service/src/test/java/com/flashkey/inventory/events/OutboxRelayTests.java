package com.flashkey.inventory.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.reactive.TransactionalOperator;

import com.flashkey.contracts.AllocationFailed;
import com.flashkey.contracts.Topics;
import com.flashkey.inventory.InventoryInfrastructure;
import com.flashkey.inventory.InventoryIntegrationTest;

/**
 * The relay's shape: a row committed by this process is published at once, woken by the commit, with the safety poll
 * an hour away here; a rolled-back append wakes nothing and publishes nothing; a row nobody woke the relay for
 * (another replica's, a crash's) is published by a pass.
 */
@InventoryIntegrationTest
class OutboxRelayTests {

    @RegisterExtension
    static InventoryInfrastructure infra = new InventoryInfrastructure();

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        infra.register(registry);
        registry.add("flashkey.inventory.topic-partitions", () -> "1");
        // No poll during the test: whatever is published was woken by its commit (or relayed by the test).
        registry.add("flashkey.inventory.outbox-interval", () -> "1h");
    }

    @Autowired
    Outbox outbox;

    @Autowired
    OutboxRelay relay;

    @Autowired
    TransactionalOperator tx;

    @Test
    void whenAnAppendCommitsThenTheRelayPublishesItWithoutWaitingForThePoll() throws Exception {
        String committed = "woken" + UUID.randomUUID().toString().substring(0, 8);
        String rolledBack = "rolled" + UUID.randomUUID().toString().substring(0, 8);
        tx.execute(status -> {
            status.setRollbackOnly();
            return outbox.append(Topics.ALLOCATION_FAILED, failed(rolledBack));
        }).then().block(Duration.ofSeconds(30));
        tx.transactional(outbox.append(Topics.ALLOCATION_FAILED, failed(committed))).block(Duration.ofSeconds(30));

        assertThat(readKeysUntil(keys -> keys.contains(committed))).containsExactly(committed);
        awaitSent(committed);
        assertThat(unsent()).isZero();
    }

    @Test
    void whenARowWasWrittenByAnotherReplicaThenAPassPublishesIt() throws Exception {
        String orderNo = "other" + UUID.randomUUID().toString().substring(0, 8);
        try (Connection c = infra.db().connect(); PreparedStatement s = c.prepareStatement(
                "INSERT INTO outbox (topic, msg_key, payload, created_at) VALUES (?, ?, ?, UTC_TIMESTAMP(6))")) {
            s.setString(1, infra.topics().name(Topics.ALLOCATION_FAILED));
            s.setString(2, orderNo);
            s.setBytes(3, ("{\"id\":\"" + UUID.randomUUID() + "\",\"type\":\"allocation.failed\"}").getBytes());
            s.executeUpdate();
        }
        assertThat(relay.publishPending().block(Duration.ofSeconds(60))).isGreaterThanOrEqualTo(1L);
        assertThat(readKeysUntil(keys -> keys.contains(orderNo))).contains(orderNo);
        assertThat(unsent()).isZero();
    }

    @Test
    void whenSentRowsAreOlderThanKeepSentThenRetentionDeletesThemAndKeepsUnsentAndRecentRows() throws Exception {
        String tag = UUID.randomUUID().toString().substring(0, 8);
        try (Connection c = infra.db().connect(); var s = c.createStatement()) {
            s.executeUpdate("INSERT INTO outbox (topic, msg_key, payload, created_at, sent_at) VALUES "
                    + "('t', 'old" + tag + "', x'00', UTC_TIMESTAMP(3) - INTERVAL 9 DAY, UTC_TIMESTAMP(3) - INTERVAL 8 DAY), "
                    + "('t', 'recent" + tag + "', x'00', UTC_TIMESTAMP(3) - INTERVAL 2 DAY, UTC_TIMESTAMP(3) - INTERVAL 1 DAY)");
        }
        assertThat(relay.purgeSent().block(Duration.ofSeconds(30))).isEqualTo(1L);
        assertThat(count("SELECT COUNT(*) FROM outbox WHERE msg_key = 'old" + tag + "'")).isZero();
        assertThat(count("SELECT COUNT(*) FROM outbox WHERE msg_key = 'recent" + tag + "'")).isOne();
    }

    private static AllocationFailed failed(String orderNo) {
        return new AllocationFailed(orderNo, "SKU-RELAY", 1, 0, "test", Instant.now());
    }

    private List<String> readKeysUntil(java.util.function.Predicate<List<String>> done) {
        List<String> keys = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.topics().bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class))) {
            consumer.subscribe(List.of(infra.topics().name(Topics.ALLOCATION_FAILED)));
            long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!done.test(keys) && System.nanoTime() < until) {
                consumer.poll(Duration.ofMillis(300)).forEach(r -> keys.add(r.key()));
            }
        }
        return keys;
    }

    private void awaitSent(String orderNo) throws Exception {
        long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (count("SELECT COUNT(*) FROM outbox WHERE msg_key = '" + orderNo + "' AND sent_at IS NOT NULL") == 0) {
            assertThat(System.nanoTime()).as(orderNo + " marked sent").isLessThan(until);
            Thread.sleep(50);
        }
    }

    private long unsent() throws SQLException {
        return count("SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL");
    }

    private long count(String sql) throws SQLException {
        try (Connection c = infra.db().connect(); var s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
