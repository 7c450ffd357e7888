package com.flashkey.order.order.messaging;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.MediaType;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import com.flashkey.contracts.PaymentSucceeded;
import com.flashkey.contracts.Topics;
import com.flashkey.order.order.Order;
import com.flashkey.order.order.OrderNo;
import com.flashkey.order.order.OrderStatus;
import com.flashkey.order.order.OrderStore;
import com.flashkey.order.support.EventCapture;
import com.flashkey.order.support.ShardDatabases;
import com.flashkey.order.support.StandIns;
import com.flashkey.order.support.TestOrderService;
import com.flashkey.testsupport.TestInfrastructure;
import com.flashkey.testsupport.TestRedisNamespace;
import com.flashkey.testsupport.TestTopics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The outbox relay is woken by the commit of the row that needs it: with its safety poll an hour away, the order.paid
 * a payment's transition writes is published at once (within the capture's patience), not at the next poll.
 */
// The context owns this class's own database/topics/keys: closed after the class, so its consumers and loops
// do not run on, against dropped resources and in the same consumer groups, beside the next class.
@DirtiesContext
@ActiveProfiles("local")
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "flashkey.order.outbox.poll-interval=1h", "flashkey.order.warm-up.enabled=false",
        "flashkey.order.topic-partitions=1",
        "flashkey.order.catalog-timeout=5s", "flashkey.order.inventory-timeout=5s", "spring.data.redis.timeout=10s" })
@AutoConfigureWebTestClient(timeout = "30s")
class OutboxWakeUpIntegrationTests {

    @RegisterExtension
    static ShardDatabases shards = ShardDatabases.newShards("orderswake", 2);

    @RegisterExtension
    static TestRedisNamespace redis = TestInfrastructure.redis().newNamespace("orderwake");

    @RegisterExtension
    static TestTopics topics = TestInfrastructure.kafka().newTopics("orderwake", 1, List.of(Topics.ORDER_PLACED,
            Topics.ORDER_PAID, Topics.ORDER_EXPIRED, Topics.ORDER_CANCELLED, Topics.ORDER_REFUND_REQUIRED,
            Topics.DELIVERY_RESEND_REQUESTED, Topics.PAYMENT_SUCCEEDED, Topics.KEYS_ALLOCATED,
            Topics.ALLOCATION_FAILED, Topics.PAYMENT_SUCCEEDED + ".DLT"));

    static final StandIns standIns = new StandIns();

    static final EventCapture kafka = new EventCapture(topics, List.of(Topics.ORDER_PAID));

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        TestOrderService.register(registry, shards, redis, topics, standIns);
    }

    @AfterAll
    static void stopStandIns() {
        kafka.close();
        standIns.close();
    }

    @Autowired
    WebTestClient web;

    @Autowired
    OrderStore store;

    @Autowired
    OutboxRelay relay;

    @Autowired
    com.flashkey.order.config.Shards shardsConfig;

    @Test
    void whenAPaymentMovesAnOrderToPaidThenOrderPaidIsPublishedWithoutWaitingForThePoll() {
        standIns.product("WAKE-1", "2.00", 3, 10);
        String orderNo = web.post().uri("/api/orders").header("Idempotency-Key", "k-" + UUID.randomUUID())
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("sku", "WAKE-1", "quantity", 1, "email", "wake@example.com")).exchange()
                .expectStatus().isAccepted().expectBody(JsonNode.class).returnResult().getResponseBody().get("orderNo")
                .asString();
        awaitStatus(orderNo, OrderStatus.PENDING_PAYMENT);

        kafka.publish(Topics.PAYMENT_SUCCEEDED, new PaymentSucceeded(orderNo, "simpay", "evt-wake", 200, "CNY",
                "tx-wake", Instant.now()));
        awaitStatus(orderNo, OrderStatus.PAID);
        assertThat(kafka.awaitOne(Topics.ORDER_PAID, orderNo).key()).isEqualTo(orderNo);
        int shard = new OrderNo(orderNo).shard();
        await().atMost(Duration.ofSeconds(30)).until(() -> shards.strings(shard,
                "SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL").equals(List.of("0")));
    }

    @Test
    void whenSentOutboxRowsAreOlderThanKeepSentThenRetentionDeletesThemAndKeepsUnsentAndRecentRows() {
        shards.update(1, "INSERT INTO outbox (event_id, topic, msg_key, payload, created_at, sent_at) VALUES "
                + "('" + UUID.randomUUID() + "', 'order.paid', 'OLD', x'00', UTC_TIMESTAMP(6) - INTERVAL 9 DAY, "
                + "UTC_TIMESTAMP(6) - INTERVAL 8 DAY), "
                + "('" + UUID.randomUUID() + "', 'order.paid', 'RECENT', x'00', UTC_TIMESTAMP(6) - INTERVAL 2 DAY, "
                + "UTC_TIMESTAMP(6) - INTERVAL 1 DAY), "
                + "('" + UUID.randomUUID() + "', 'order.paid', 'UNSENT', x'00', UTC_TIMESTAMP(6) - INTERVAL 9 DAY, NULL)");

        assertThat(relay.purgeSent(shardsConfig.get(1)).block(Duration.ofSeconds(10))).isEqualTo(1L);
        // UNSENT stays (the relay may have sent it meanwhile: then it is recent).
        assertThat(shards.strings(1, "SELECT msg_key FROM outbox WHERE msg_key IN ('OLD', 'RECENT', 'UNSENT') "
                + "ORDER BY msg_key")).containsExactly("RECENT", "UNSENT");
    }

    private void awaitStatus(String orderNo, OrderStatus status) {
        await().atMost(Duration.ofSeconds(45)).until(() -> {
            Order o = store.find(new OrderNo(orderNo)).block();
            return o != null && o.status() == status;
        });
    }
}
