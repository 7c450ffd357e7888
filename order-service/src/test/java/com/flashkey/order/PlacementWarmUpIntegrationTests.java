package com.flashkey.order;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.MediaType;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import com.flashkey.contracts.Topics;
import com.flashkey.order.support.ShardDatabases;
import com.flashkey.order.support.StandIns;
import com.flashkey.order.support.TestOrderService;
import com.flashkey.testsupport.TestInfrastructure;
import com.flashkey.testsupport.TestRedisNamespace;
import com.flashkey.testsupport.TestTopics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The start-up warm-up: readiness stays down until the placement path has run (here: until inventory answers, then
 * the rounds), the warm-up moves no stock and places no order, and the service is ready afterwards.
 */
// The context owns this class's own database/topics/keys: closed after the class, so its consumers and loops
// do not run on, against dropped resources and in the same consumer groups, beside the next class.
@DirtiesContext
@ActiveProfiles("local")
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "flashkey.order.warm-up.enabled=true", "flashkey.order.warm-up.requests=200",
        "flashkey.order.warm-up.concurrency=8", "flashkey.order.warm-up.max-duration=2m",
        "flashkey.order.topic-partitions=1",
        "flashkey.order.catalog-timeout=5s", "flashkey.order.inventory-timeout=5s", "spring.data.redis.timeout=10s" })
@AutoConfigureWebTestClient(timeout = "30s")
class PlacementWarmUpIntegrationTests {

    @RegisterExtension
    static ShardDatabases shards = ShardDatabases.newShards("orderswarm", 4);

    @RegisterExtension
    static TestRedisNamespace redis = TestInfrastructure.redis().newNamespace("orderwarm");

    @RegisterExtension
    static TestTopics topics = TestInfrastructure.kafka().newTopics("orderwarm", 1, List.of(Topics.ORDER_PLACED,
            Topics.ORDER_PAID, Topics.ORDER_EXPIRED, Topics.ORDER_CANCELLED, Topics.ORDER_REFUND_REQUIRED,
            Topics.DELIVERY_RESEND_REQUESTED));

    static final StandIns standIns = new StandIns();

    static {
        // inventory is not up yet when order-service starts: the warm-up must wait for it, and readiness with it.
        standIns.inventoryDown(true);
        standIns.product("REAL-1", "5.00", 2, 10);
    }

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        TestOrderService.register(registry, shards, redis, topics, standIns);
    }

    @AfterAll
    static void stopStandIns() {
        standIns.close();
    }

    @Autowired
    WebTestClient web;

    @Test
    void whenStartedColdThenReadinessWaitsForTheWarmUpWhichMovesNoStockAndPlacesNoOrder() {
        // Started, live, but not ready while inventory does not answer.
        web.get().uri("/actuator/health/liveness").exchange().expectStatus().isOk();
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> !ready());
        int before = standIns.reserveCalls.get();

        standIns.inventoryDown(false);

        await().atMost(Duration.ofSeconds(90)).until(this::ready);
        // Every round asked inventory once (a NOT_ON_SALE window: no stock moves).
        assertThat(standIns.reserveCalls.get() - before).isGreaterThanOrEqualTo(200);
        assertThat(standIns.stock("REAL-1")).isEqualTo(10);
        assertThat(standIns.stock("FLASHKEY-WARMUP")).isZero();
        assertThat(shards.count()).isEqualTo(4);
        for (int s = 0; s < shards.count(); s++) {
            assertThat(shards.strings(s, "SELECT COUNT(*) FROM orders")).containsExactly("0");
        }
        // Ready, and it places real orders.
        web.post().uri("/api/orders").header("Idempotency-Key", "k-" + UUID.randomUUID())
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("sku", "REAL-1", "quantity", 1, "email", "buyer@example.com")).exchange()
                .expectStatus().isAccepted();
        assertThat(standIns.stock("REAL-1")).isEqualTo(9);
    }

    private boolean ready() {
        return web.get().uri("/actuator/health/readiness").exchange().returnResult(String.class).getStatus()
                .is2xxSuccessful();
    }
}
