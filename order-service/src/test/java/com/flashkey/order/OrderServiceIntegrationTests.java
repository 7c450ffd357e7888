package com.flashkey.order;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.bean.override.mockito.MockitoSpyBean;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.WebClient;

import com.flashkey.contracts.AllocationFailed;
import com.flashkey.contracts.DeliveryCodes;
import com.flashkey.contracts.EventCodec;
import com.flashkey.contracts.EventEnvelope;
import com.flashkey.contracts.KeysAllocated;
import com.flashkey.contracts.OrderCancelled;
import com.flashkey.contracts.OrderEvent;
import com.flashkey.contracts.OrderPaid;
import com.flashkey.contracts.OrderPlaced;
import com.flashkey.contracts.OrderRefundRequired;
import com.flashkey.contracts.PaymentSucceeded;
import com.flashkey.contracts.PaymentUnmatched;
import com.flashkey.contracts.SealedCode;
import com.flashkey.contracts.Topics;
import com.flashkey.order.order.Order;
import com.flashkey.order.order.OrderEventPublisher;
import com.flashkey.order.order.OrderNo;
import com.flashkey.order.order.OrderStatus;
import com.flashkey.order.order.OrderStore;
import com.flashkey.order.support.EventCapture;
import com.flashkey.order.support.ShardDatabases;
import com.flashkey.order.support.StandIns;
import com.flashkey.order.support.TestOrderService;
import com.flashkey.testsupport.AdminTokens;
import com.flashkey.testsupport.TestInfrastructure;
import com.flashkey.testsupport.TestRedisNamespace;
import com.flashkey.testsupport.TestTopics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;
import static org.mockito.ArgumentMatchers.argThat;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.doReturn;

/**
 * order-service against real MariaDB (four shard databases), Redis and Kafka. catalog and inventory are played by
 * {@link StandIns}, a real HTTP server honouring their contracts; the other services' events by {@link EventCapture}.
 */
// The context owns this class's own database/topics/keys: closed after the class, so its consumers and loops
// do not run on, against dropped resources and in the same consumer groups, beside the next class.
@DirtiesContext
@ActiveProfiles("local")
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "flashkey.order.outbox.poll-interval=50ms", "flashkey.order.expiry.poll-interval=200ms",
        "flashkey.order.events.retry-backoff=100ms", "flashkey.order.events.retry-attempts=6",
        "flashkey.order.limits.lookups-per-minute=5", "flashkey.order.limits.lookups-per-order-per-minute=8",
        "flashkey.order.ingest.batch-size=300",
        "flashkey.order.topic-partitions=3",
        // Orders expire this long after their deadline; expireNow() moves the deadline back further.
        "flashkey.order.payment-grace=30s",
        // Tests count inventory calls; the start-up warm-up has its own test (PlacementWarmUpIntegrationTests).
        "flashkey.order.warm-up.enabled=false",
        // The test machine is shared and often overloaded: generous timeouts keep outages apart from slowness.
        "flashkey.order.catalog-timeout=5s", "flashkey.order.inventory-timeout=5s", "spring.data.redis.timeout=10s" })
@AutoConfigureWebTestClient(timeout = "30s")
class OrderServiceIntegrationTests {

    @RegisterExtension
    static ShardDatabases shards = ShardDatabases.newShards("orders", 4);

    @RegisterExtension
    static TestRedisNamespace redis = TestInfrastructure.redis().newNamespace("order");

    @RegisterExtension
    static TestTopics topics = TestInfrastructure.kafka().newTopics("order", 3, List.of(Topics.ORDER_PLACED,
            Topics.ORDER_PAID, Topics.ORDER_EXPIRED, Topics.ORDER_CANCELLED, Topics.ORDER_REFUND_REQUIRED,
            Topics.DELIVERY_RESEND_REQUESTED, Topics.PAYMENT_SUCCEEDED, Topics.KEYS_ALLOCATED, Topics.ALLOCATION_FAILED,
            Topics.PAYMENT_SUCCEEDED + ".DLT", Topics.PAYMENT_UNMATCHED));

    static final StandIns standIns = new StandIns();

    static final EventCapture kafka = new EventCapture(topics, List.of(Topics.ORDER_PAID, Topics.ORDER_EXPIRED,
            Topics.ORDER_CANCELLED, Topics.ORDER_REFUND_REQUIRED, Topics.DELIVERY_RESEND_REQUESTED, Topics.PAYMENT_SUCCEEDED + ".DLT",
            Topics.PAYMENT_UNMATCHED));

    static final EventCodec codec = new EventCodec();

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
    DeliveryCodes deliveryCodes;

    @Autowired
    KafkaListenerEndpointRegistry listeners;

    @MockitoSpyBean
    OrderEventPublisher publisher;

    @Autowired
    MeterRegistry meters;

    @LocalServerPort
    int port;

    // ---------------------------------------------------------------- creation at scale

    @Test
    void whenTwoThousandOrdersArePlacedConcurrentlyThenEachLandsExactlyOnceInTheShardItsNumberNames() {
        standIns.product("FLASH-2000", "9.90", 10, 10_000);
        WebClient client = WebClient.create("http://127.0.0.1:" + port);
        Map<String, String> orderNoByKey = new ConcurrentHashMap<>();
        // A client that gets 503 (overload) retries with the same Idempotency-Key, as real clients should.
        List<Integer> statuses = Flux.range(0, 2000).flatMap(i -> {
            String key = "bulk-" + i + "-" + UUID.randomUUID();
            return Mono.defer(() -> client.post().uri("/api/orders").header("Idempotency-Key", key)
                    .contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(Map.of("sku", "FLASH-2000", "quantity", 1, "email", "bulk" + i + "@example.com"))
                    .exchangeToMono(r -> r.bodyToMono(JsonNode.class).map(body -> {
                        if (r.statusCode().value() == 202) {
                            orderNoByKey.put(key, body.get("orderNo").asString());
                        }
                        return r.statusCode().value();
                    })))
                    .flatMap(status -> status == 503 || status == 409 && !orderNoByKey.containsKey(key)
                            ? Mono.error(new IllegalStateException("retry " + status)) : Mono.just(status))
                    .retryWhen(reactor.util.retry.Retry.backoff(20, Duration.ofMillis(200)).maxBackoff(Duration.ofSeconds(2)));
        }, 32).collectList().block(Duration.ofMinutes(6));

        assertThat(statuses).hasSize(2000).containsOnly(202);
        Set<String> accepted = new HashSet<>(orderNoByKey.values());
        assertThat(accepted).hasSize(2000);
        assertThat(standIns.stock("FLASH-2000")).isEqualTo(8000);

        await().atMost(Duration.ofMinutes(2)).until(() -> stored("FLASH-2000").size() >= 2000);
        List<String> stored = stored("FLASH-2000");
        assertThat(stored).hasSize(2000).doesNotHaveDuplicates();
        assertThat(new HashSet<>(stored)).isEqualTo(accepted);
        for (int shard = 0; shard < 4; shard++) {
            List<String> inShard = shards.strings(shard, "SELECT order_no FROM orders WHERE sku = 'FLASH-2000'");
            int s = shard;
            assertThat(inShard).as("shard %d", shard).isNotEmpty()
                    .allSatisfy(no -> assertThat(new OrderNo(no).shard()).isEqualTo(s));
        }
    }

    // ---------------------------------------------------------------- idempotency

    @Test
    void whenTheSameKeyIsReplayedSequentiallyThenTheFirstAnswerComesBackAndStockMovesOnce() {
        standIns.product("IDEM-SEQ", "5.00", 5, 100);
        String key = "seq-" + UUID.randomUUID();
        JsonNode first = place(key, "IDEM-SEQ", 2, "seq@example.com").expectStatus().isAccepted()
                .expectBody(JsonNode.class).returnResult().getResponseBody();
        JsonNode second = place(key, "IDEM-SEQ", 2, "seq@example.com").expectStatus().isAccepted()
                .expectBody(JsonNode.class).returnResult().getResponseBody();
        assertThat(second).isEqualTo(first);
        assertThat(first.get("amount").asString()).isEqualTo("10.00");
        assertThat(first.get("status").asString()).isEqualTo("PENDING_PAYMENT");
        assertThat(first.get("payment").get("url").asString()).endsWith("?orderNo=" + first.get("orderNo").asString());
        assertThat(standIns.stock("IDEM-SEQ")).isEqualTo(98);
    }

    @Test
    void whenTheSameKeyIsSentConcurrentlyThenOneOrderIsPlacedAndEveryoneGetsItsAnswer() {
        standIns.product("IDEM-CONC", "5.00", 5, 100);
        String key = "conc-" + UUID.randomUUID();
        WebClient client = WebClient.create("http://127.0.0.1:" + port);
        List<String> orderNos = Flux.range(0, 24).flatMap(i -> client.post().uri("/api/orders")
                .header("Idempotency-Key", key).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("sku", "IDEM-CONC", "quantity", 1, "email", "conc@example.com"))
                .exchangeToMono(r -> r.statusCode().value() == 202
                        ? r.bodyToMono(JsonNode.class).map(b -> b.get("orderNo").asString())
                        : Mono.just("status " + r.statusCode().value())), 24)
                .collectList().block(Duration.ofSeconds(60));
        assertThat(orderNos).hasSize(24);
        assertThat(new HashSet<>(orderNos)).hasSize(1);
        assertThat(orderNos.get(0)).matches("[0-9A-Z]{24}");
        assertThat(standIns.stock("IDEM-CONC")).isEqualTo(99);
    }

    @Test
    void whenTheKeyIsReusedWithAnotherBodyThenItIsRefusedWith422() {
        standIns.product("IDEM-MIS", "5.00", 5, 100);
        String key = "mis-" + UUID.randomUUID();
        place(key, "IDEM-MIS", 1, "mis@example.com").expectStatus().isAccepted();
        place(key, "IDEM-MIS", 2, "mis@example.com").expectStatus().isEqualTo(422)
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.type").isEqualTo("https://flashkey.dev/problems/idempotency-mismatch");
        assertThat(standIns.stock("IDEM-MIS")).isEqualTo(99);
    }

    @Test
    void whenARefusalIsReplayedThenTheSameRefusalComesBackWithoutAskingInventoryAgain() {
        standIns.product("IDEM-SOLD", "5.00", 5, 0);
        String key = "sold-" + UUID.randomUUID();
        place(key, "IDEM-SOLD", 1, "sold@example.com").expectStatus().isEqualTo(409);
        int calls = standIns.reserveCalls.get();
        standIns.product("IDEM-SOLD", "5.00", 5, 10);
        place(key, "IDEM-SOLD", 1, "sold@example.com").expectStatus().isEqualTo(409).expectBody()
                .jsonPath("$.type").isEqualTo("https://flashkey.dev/problems/sold-out");
        assertThat(standIns.reserveCalls.get()).isEqualTo(calls);
    }

    @Test
    void whenALocalRefusalIsReplayedThenTheSameRefusalComesBackAndAnotherBodyIs422() {
        standIns.product("ONE-TRIP", "5.00", 3, 100);
        String key = "one-trip-" + UUID.randomUUID();
        // Over the per-buyer limit in one order: refused here, from the cached product, kept in one Redis write.
        expectProblem(place(key, "ONE-TRIP", 4, "trip@example.com"), 409, "limit-exceeded");
        expectProblem(place(key, "ONE-TRIP", 4, "trip@example.com"), 409, "limit-exceeded");
        place(key, "ONE-TRIP", 1, "trip@example.com").expectStatus().isEqualTo(422).expectBody()
                .jsonPath("$.type").isEqualTo("https://flashkey.dev/problems/idempotency-mismatch");
        assertThat(standIns.stock("ONE-TRIP")).isEqualTo(100);

        standIns.product("ONE-TRIP-LATER", "5.00", 3, 10, Instant.now().plusSeconds(3600),
                Instant.now().plusSeconds(7200));
        String early = "one-trip-early-" + UUID.randomUUID();
        expectProblem(place(early, "ONE-TRIP-LATER", 1, "early-trip@example.com"), 409, "sale-not-open");
        expectProblem(place(early, "ONE-TRIP-LATER", 1, "early-trip@example.com"), 409, "sale-not-open");
    }

    @Test
    void whenAnAcceptedOrderIsReplayedWhileTheSkuIsFlaggedSoldOutThenItStays202() {
        standIns.product("ONE-TRIP-SOLD", "5.00", 3, 1);
        String key = "accepted-" + UUID.randomUUID();
        JsonNode first = place(key, "ONE-TRIP-SOLD", 1, "winner@example.com").expectStatus().isAccepted()
                .expectBody(JsonNode.class).returnResult().getResponseBody();
        // Another buyer finds it sold out: the SKU is now refused here without asking inventory.
        expectProblem(place("k-" + UUID.randomUUID(), "ONE-TRIP-SOLD", 1, "loser@example.com"), 409, "sold-out");
        // (Whether the 1 s flag still holds when these run does not matter: a replay answers the same either way.)
        String soldOutKey = "sold-" + UUID.randomUUID();
        expectProblem(place(soldOutKey, "ONE-TRIP-SOLD", 1, "late@example.com"), 409, "sold-out");
        expectProblem(place(soldOutKey, "ONE-TRIP-SOLD", 1, "late@example.com"), 409, "sold-out");
        place(soldOutKey, "ONE-TRIP-SOLD", 2, "late@example.com").expectStatus().isEqualTo(422);

        JsonNode replay = place(key, "ONE-TRIP-SOLD", 1, "winner@example.com").expectStatus().isAccepted()
                .expectBody(JsonNode.class).returnResult().getResponseBody();
        assertThat(replay).isEqualTo(first);
        place(key, "ONE-TRIP-SOLD", 1, "someone-else@example.com").expectStatus().isEqualTo(422);
        assertThat(standIns.stock("ONE-TRIP-SOLD")).isZero();
    }

    @Test
    void whenManyOrdersArriveWhileBatchesAreOnTheirWayThenTheyShareFewerInventoryRequestsAndEachGetsItsOwnAnswer() {
        standIns.product("COALESCE-1", "2.00", 5, 100);
        WebClient client = WebClient.create("http://127.0.0.1:" + port);
        standIns.delayBatches(Duration.ofSeconds(2));
        try {
            int requestsBefore = standIns.reserveRequests.get();
            int batchesBefore = standIns.batchSizes.size();
            // Two orders take the two slots and are held; the next ones pile up behind them.
            List<Mono<String>> priming = List.of(order(client, "COALESCE-1", "prime-0"), order(client, "COALESCE-1",
                    "prime-1"));
            Flux<String> primed = Flux.merge(priming).cache();
            primed.subscribe();
            await().atMost(Duration.ofSeconds(20)).until(() -> standIns.reserveRequests.get() >= requestsBefore + 2);

            List<String> answers = Flux.range(0, 40).flatMap(i -> order(client, "COALESCE-1", "pile-" + i), 40)
                    .concatWith(primed).collectList().block(Duration.ofSeconds(60));

            assertThat(answers).hasSize(42).allMatch(a -> a.matches("[0-9A-Z]{24}"));
            assertThat(new HashSet<>(answers)).hasSize(42);
            int requests = standIns.reserveRequests.get() - requestsBefore;
            assertThat(requests).isLessThan(42 / 2);
            assertThat(standIns.batchSizes.subList(batchesBefore, standIns.batchSizes.size()))
                    .anyMatch(size -> size > 1);
            assertThat(standIns.stock("COALESCE-1")).isEqualTo(58);
            // Each order holds its own reservation.
            assertThat(answers).allMatch(standIns::holds);
        }
        finally {
            standIns.delayBatches(Duration.ZERO);
        }
    }

    @Test
    void whenInventoryFailsABatchThenExactlyItsOrdersGet503AndAreReleased() {
        standIns.product("BATCH-OK", "2.00", 5, 100);
        standIns.product("BATCH-BAD", "2.00", 5, 100);
        WebClient client = WebClient.create("http://127.0.0.1:" + port);
        standIns.delayBatches(Duration.ofSeconds(2));
        standIns.failBatchesWith("BATCH-BAD");
        try {
            int requestsBefore = standIns.reserveRequests.get();
            Set<String> failedBefore = Set.copyOf(standIns.failedBatchOrders);
            Flux<String> primed = Flux.merge(order(client, "BATCH-OK", "ok-prime-0"),
                    order(client, "BATCH-OK", "ok-prime-1")).cache();
            primed.subscribe();
            await().atMost(Duration.ofSeconds(20)).until(() -> standIns.reserveRequests.get() >= requestsBefore + 2);

            List<String> outcomes = Flux.range(0, 12)
                    .flatMap(i -> order(client, i % 2 == 0 ? "BATCH-OK" : "BATCH-BAD", "mixed-" + i), 12)
                    .concatWith(primed).collectList().block(Duration.ofSeconds(60));

            Set<String> failed = new HashSet<>(standIns.failedBatchOrders);
            failed.removeAll(failedBefore);
            List<String> accepted = outcomes.stream().filter(o -> o.matches("[0-9A-Z]{24}")).toList();
            assertThat(outcomes).hasSize(14).allMatch(o -> o.matches("[0-9A-Z]{24}") || o.equals("status 503"));
            assertThat(failed).as("some batch carried an order of the failing SKU").isNotEmpty();
            // Every order of a failed batch got 503 (and was released); every other order was accepted.
            assertThat(outcomes.stream().filter("status 503"::equals).count()).isEqualTo(failed.size());
            assertThat(accepted).hasSize(14 - failed.size()).doesNotContainAnyElementsOf(failed);
            await().atMost(Duration.ofSeconds(20)).until(() -> standIns.releasedOrders.containsAll(failed));
            assertThat(accepted).noneMatch(standIns.releasedOrders::contains);
            assertThat(standIns.stock("BATCH-BAD")).isEqualTo(100);
            assertThat(standIns.stock("BATCH-OK")).isEqualTo(100 - accepted.size());
        }
        finally {
            standIns.delayBatches(Duration.ZERO);
            standIns.failBatchesWith(null);
        }
    }

    /** Places an order as its own buyer; answers the order number, or "status N". */
    private static Mono<String> order(WebClient client, String sku, String buyer) {
        return client.post().uri("/api/orders").header("Idempotency-Key", "k-" + UUID.randomUUID())
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("sku", sku, "quantity", 1, "email", buyer + "-" + UUID.randomUUID() + "@example.com"))
                .exchangeToMono(r -> r.statusCode().value() == 202
                        ? r.bodyToMono(JsonNode.class).map(b -> b.get("orderNo").asString())
                        : r.releaseBody().thenReturn("status " + r.statusCode().value()));
    }

    // ---------------------------------------------------------------- validation and refusals

    @Test
    void whenTheIdempotencyKeyIsMissingThenTheRequestIsInvalid() {
        web.post().uri("/api/orders").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("sku", "ANY-1", "quantity", 1, "email", "a@example.com")).exchange()
                .expectStatus().isBadRequest().expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.type").isEqualTo("https://flashkey.dev/problems/validation")
                .jsonPath("$.errors[0].field").isEqualTo("Idempotency-Key");
    }

    @Test
    void whenTheIdempotencyKeyIsMalformedThenTheRequestIsInvalid() {
        web.post().uri("/api/orders").header("Idempotency-Key", "bad key!").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("sku", "ANY-1", "quantity", 1, "email", "a@example.com")).exchange()
                .expectStatus().isBadRequest().expectBody()
                .jsonPath("$.type").isEqualTo("https://flashkey.dev/problems/validation")
                .jsonPath("$.errors[0].field").isEqualTo("Idempotency-Key");
    }

    @Test
    void whenTheBodyIsInvalidThenEveryBadFieldIsListed() {
        web.post().uri("/api/orders").header("Idempotency-Key", "bad-" + UUID.randomUUID())
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("sku", "lower", "quantity", 11, "email", "not-an-email", "phone", "0800-FLASH"))
                .exchange()
                .expectStatus().isBadRequest().expectBody()
                .jsonPath("$.type").isEqualTo("https://flashkey.dev/problems/validation")
                .jsonPath("$.errors.length()").isEqualTo(4)
                .jsonPath("$.trace").doesNotExist();
    }

    @Test
    void whenSoldOutOverLimitOrNotOpenThenConflictWithTheMatchingProblem() {
        standIns.product("SOLD-1", "1.00", 3, 1);
        standIns.product("LATER-1", "1.00", 3, 10, Instant.now().plusSeconds(3600), Instant.now().plusSeconds(7200));
        standIns.product("LIMIT-1", "1.00", 3, 100);
        place("k-" + UUID.randomUUID(), "SOLD-1", 1, "first@example.com").expectStatus().isAccepted();
        expectProblem(place("k-" + UUID.randomUUID(), "SOLD-1", 1, "second@example.com"), 409, "sold-out");
        expectProblem(place("k-" + UUID.randomUUID(), "LATER-1", 1, "early@example.com"), 409, "sale-not-open");
        // over the limit in one order: refused before inventory; over it across orders: inventory's answer
        expectProblem(place("k-" + UUID.randomUUID(), "LIMIT-1", 4, "greedy@example.com"), 409, "limit-exceeded");
        place("k-" + UUID.randomUUID(), "LIMIT-1", 2, "greedy@example.com").expectStatus().isAccepted();
        expectProblem(place("k-" + UUID.randomUUID(), "LIMIT-1", 2, "greedy@example.com"), 409, "limit-exceeded");
        expectProblem(place("k-" + UUID.randomUUID(), "NO-SUCH-SKU", 1, "x@example.com"), 404, "not-found");
        assertThat(standIns.stock("LIMIT-1")).isEqualTo(98);
    }

    @Test
    void whenInventorySaysSoldOutThenLaterBuyersAreRefusedHereWithoutAnInventoryCallUntilTheFlagLapses() {
        standIns.product("FLAG-1", "1.00", 3, 1);
        place("k-" + UUID.randomUUID(), "FLAG-1", 1, "flag-first@example.com").expectStatus().isAccepted();
        expectProblem(place("k-" + UUID.randomUUID(), "FLAG-1", 1, "flag-second@example.com"), 409, "sold-out");
        int calls = standIns.reserveCalls.get();
        for (int i = 0; i < 5; i++) {
            expectProblem(place("k-" + UUID.randomUUID(), "FLAG-1", 1, "flag-" + i + "@example.com"), 409, "sold-out");
        }
        assertThat(standIns.reserveCalls.get()).isEqualTo(calls);
        // Stock comes back (inventory released a reservation): offered again once the flag's TTL (1 s) has passed.
        standIns.product("FLAG-1", "1.00", 3, 1);
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).until(() -> place(
                "k-" + UUID.randomUUID(), "FLAG-1", 1, "flag-late-" + UUID.randomUUID() + "@example.com")
                .returnResult(String.class).getStatus().value() == 202);
        assertThat(standIns.stock("FLAG-1")).isZero();
    }

    @Test
    void whenInventoryIsUnavailableThenServiceUnavailableWithRetryAfterAndTheKeyCanBeRetried() {
        standIns.product("INV-DOWN", "1.00", 3, 10);
        String key = "down-" + UUID.randomUUID();
        standIns.inventoryDown(true);
        try {
            place(key, "INV-DOWN", 1, "down@example.com").expectStatus().isEqualTo(503)
                    .expectHeader().exists("Retry-After").expectBody()
                    .jsonPath("$.type").isEqualTo("https://flashkey.dev/problems/unavailable");
        }
        finally {
            standIns.inventoryDown(false);
        }
        place(key, "INV-DOWN", 1, "down@example.com").expectStatus().isAccepted();
        assertThat(standIns.stock("INV-DOWN")).isEqualTo(9);
    }

    @Test
    void whenKafkaRefusesTheOrderThenTheReservationIsReleasedAndTheBuyerGets503() {
        standIns.product("KAFKA-DOWN", "1.00", 3, 10);
        doReturn(Mono.error(new IllegalStateException("broker refused"))).when(publisher)
                .publish(eq(Topics.ORDER_PLACED), argThat((OrderEvent e) -> e instanceof OrderPlaced p
                        && p.sku().equals("KAFKA-DOWN")));
        int releases = standIns.releaseCalls.get();
        place("kd-" + UUID.randomUUID(), "KAFKA-DOWN", 2, "kd@example.com").expectStatus().isEqualTo(503)
                .expectHeader().exists("Retry-After").expectBody()
                .jsonPath("$.type").isEqualTo("https://flashkey.dev/problems/unavailable");
        assertThat(standIns.releaseCalls.get()).isEqualTo(releases + 1);
        assertThat(standIns.stock("KAFKA-DOWN")).isEqualTo(10);
        assertThat(stored("KAFKA-DOWN")).isEmpty();
    }

    @Test
    void whenTheReserveTimesOutAndLandsAfterItsReleaseThenItHoldsNothingAndTheBuyersRetryIsAccepted() {
        standIns.product("LATE-RESERVE", "1.00", 1, 5);
        // inventory answers this SKU only after the 5 s inventory timeout, but still processes the request then.
        standIns.slowReserve("LATE-RESERVE", Duration.ofSeconds(7));
        int processed = standIns.slowReservesProcessed.get();
        String key = "late-res-" + UUID.randomUUID();
        try {
            place(key, "LATE-RESERVE", 1, "late-reserve@example.com").expectStatus().isEqualTo(503)
                    .expectBody().jsonPath("$.type").isEqualTo("https://flashkey.dev/problems/unavailable");
            // The release went out at once; the reserve it gave up on lands afterwards.
            await().atMost(Duration.ofSeconds(30)).until(() -> standIns.slowReservesProcessed.get() > processed);
        }
        finally {
            standIns.slowReserve("LATE-RESERVE", Duration.ZERO);
        }
        assertThat(standIns.stock("LATE-RESERVE")).as("the late reserve holds nothing").isEqualTo(5);

        // The buyer retries as told (same key, a new order number) and is not refused over the per-buyer limit.
        place(key, "LATE-RESERVE", 1, "late-reserve@example.com").expectStatus().isAccepted();
        assertThat(standIns.stock("LATE-RESERVE")).isEqualTo(4);
    }

    // ---------------------------------------------------------------- lookup

    @Test
    void whenLookedUpBeforeTheRowLandsThenThePlacedRecordAnswersAndTheRowWinsLater() {
        standIns.product("LOOK-EARLY", "3.00", 3, 10);
        listeners.getListenerContainer("order-placed-ingest").stop();
        String orderNo;
        try {
            orderNo = placeOk("LOOK-EARLY", 1, "early@example.com");
            lookUp(orderNo, "early@example.com", "10.0.0.1").expectStatus().isOk().expectBody()
                    .jsonPath("$.status").isEqualTo("PENDING_PAYMENT").jsonPath("$.amount").isEqualTo("3.00")
                    .jsonPath("$.codes.length()").isEqualTo(0);
            assertThat(stored("LOOK-EARLY")).isEmpty();
        }
        finally {
            listeners.getListenerContainer("order-placed-ingest").start();
        }
        awaitStatus(orderNo, OrderStatus.PENDING_PAYMENT);
    }

    @Test
    void whenOrderIsUnknownOrTheEmailIsWrongThenBoth404LookAlike() {
        standIns.product("LOOK-404", "3.00", 3, 10);
        String orderNo = placeOk("LOOK-404", 1, "owner@example.com");
        awaitStatus(orderNo, OrderStatus.PENDING_PAYMENT);
        String unknown = OrderNo.generate(Instant.now(), new OrderNo(orderNo).shard()).value();
        JsonNode wrongEmail = lookUp(orderNo, "thief@example.com", "10.0.0.2").expectStatus().isNotFound()
                .expectBody(JsonNode.class).returnResult().getResponseBody();
        JsonNode unknownOrder = lookUp(unknown, "owner@example.com", "10.0.0.2").expectStatus().isNotFound()
                .expectBody(JsonNode.class).returnResult().getResponseBody();
        JsonNode garbage = lookUp("not-an-order", "owner@example.com", "10.0.0.2").expectStatus().isNotFound()
                .expectBody(JsonNode.class).returnResult().getResponseBody();
        for (JsonNode other : List.of(unknownOrder, garbage)) {
            for (String field : List.of("type", "title", "status", "detail")) {
                assertThat(other.get(field)).as(field).isEqualTo(wrongEmail.get(field));
            }
        }
        lookUp(orderNo, " Owner@Example.com ", "10.0.0.2").expectStatus().isOk();
    }

    @Test
    void whenOneClientLooksUpTooOftenThenItIsRateLimitedAndOthersAreNot() {
        // 5 per minute: 12 quick requests span at most two windows, so at least two must be refused.
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            var result = lookUp("000000000000000000000000", "a@example.com", "10.9.9.9").returnResult(JsonNode.class);
            statuses.add(result.getStatus().value());
            if (result.getStatus().value() == 429) {
                assertThat(result.getResponseHeaders().getFirst("Retry-After")).matches("\\d+");
                assertThat(result.getResponseBody().blockFirst().get("type").asString())
                        .isEqualTo("https://flashkey.dev/problems/rate-limited");
            }
        }
        assertThat(statuses).containsOnly(404, 429);
        assertThat(statuses.stream().filter(s -> s == 429).count()).isGreaterThanOrEqualTo(2);
        lookUp("000000000000000000000000", "a@example.com", "10.9.9.10").expectStatus().isNotFound();
        // The client is the hop the nearest proxy (the gateway) wrote, not what the caller put in front of it.
        lookUp("000000000000000000000000", "a@example.com", "10.9.9.9, 10.9.9.11").expectStatus().isNotFound();
    }

    @Test
    void whenOneOrderIsLookedUpTooOftenFromManyClientsThenItIsRateLimitedAndOtherOrdersAreNot() {
        // 8 per order and minute, each client within its own 5: 20 quick lookups from 20 addresses span at most two
        // windows, so at least 4 must be refused although no client is over its limit.
        String target = OrderNo.generate(Instant.now(), 1).value();
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            var result = lookUp(target, "guess" + i + "@example.com", "10.8.0." + (i + 1)).returnResult(JsonNode.class);
            statuses.add(result.getStatus().value());
            if (result.getStatus().value() == 429) {
                assertThat(result.getResponseHeaders().getContentType()).isNotNull()
                        .satisfies(type -> assertThat(type.isCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)).isTrue());
                assertThat(result.getResponseHeaders().getFirst("Retry-After")).matches("\\d+");
                assertThat(result.getResponseBody().blockFirst().get("type").asString())
                        .isEqualTo("https://flashkey.dev/problems/rate-limited");
            }
        }
        assertThat(statuses).containsOnly(404, 429);
        assertThat(statuses.stream().filter(s -> s == 429).count()).isGreaterThanOrEqualTo(4);
        // Another order, from a client already seen: its own counter.
        lookUp(OrderNo.generate(Instant.now(), 1).value(), "a@example.com", "10.8.0.1").expectStatus().isNotFound();
        // Malformed numbers are a 404 without a read and get no counter of their own.
        lookUp("not-an-order", "a@example.com", "10.8.1.1").expectStatus().isNotFound();
    }

    // ---------------------------------------------------------------- the order's life

    @Test
    void whenPaidAndAllocatedThenDeliveredWithCodesAndDuplicatesChangeNothing() {
        standIns.product("LIFE-1", "4.50", 3, 10);
        String orderNo = placeOk("LIFE-1", 2, "life@example.com");
        awaitStatus(orderNo, OrderStatus.PENDING_PAYMENT);

        PaymentSucceeded payment = new PaymentSucceeded(orderNo, "simpay", "evt-" + orderNo, 900, "CNY", "tx-1",
                Instant.now());
        kafka.publish(Topics.PAYMENT_SUCCEEDED, payment);
        Order paid = awaitStatus(orderNo, OrderStatus.PAID);
        OrderPaid orderPaid = (OrderPaid) kafka.awaitOne(Topics.ORDER_PAID, orderNo).envelope().data();
        assertThat(orderPaid.quantity()).isEqualTo(2);
        assertThat(orderPaid.transactionId()).isEqualTo("tx-1");

        kafka.publish(Topics.PAYMENT_SUCCEEDED, payment);
        List<SealedCode> codes = List.of(deliveryCodes.seal(orderNo, "CODE-AAA-111"),
                deliveryCodes.seal(orderNo, "CODE-BBB-222"));
        KeysAllocated allocated = new KeysAllocated(orderNo, "LIFE-1", 2, "life@example.com", "en", codes,
                Instant.now());
        kafka.publish(Topics.KEYS_ALLOCATED, allocated);
        Order delivered = awaitStatus(orderNo, OrderStatus.DELIVERED);
        assertThat(delivered.version()).isEqualTo(paid.version() + 1);
        assertThat(delivered.codes()).hasSize(2);
        assertThat(shards.strings(new OrderNo(orderNo).shard(),
                "SELECT codes FROM orders WHERE order_no = '" + orderNo + "'").get(0)).doesNotContain("CODE-AAA-111");

        // duplicates and late arrivals: nothing moves
        kafka.publish(Topics.KEYS_ALLOCATED, allocated);
        kafka.publish(Topics.ALLOCATION_FAILED, new AllocationFailed(orderNo, "LIFE-1", 2, 0, "late", Instant.now()));
        kafka.publish(Topics.PAYMENT_SUCCEEDED, payment);
        String marker = placeOk("LIFE-1", 1, "marker@example.com");
        kafka.publish(Topics.PAYMENT_SUCCEEDED, new PaymentSucceeded(marker, "simpay", "evt-m", 450, "CNY", "tx-m",
                Instant.now()));
        awaitStatus(marker, OrderStatus.PAID);
        Order after = store.find(new OrderNo(orderNo)).block();
        assertThat(after.status()).isEqualTo(OrderStatus.DELIVERED);
        assertThat(after.version()).isEqualTo(delivered.version());
        assertThat(kafka.on(Topics.ORDER_PAID, orderNo)).hasSize(1);
        assertThat(kafka.on(Topics.ORDER_REFUND_REQUIRED, orderNo)).isEmpty();

        lookUp(orderNo, "life@example.com", "10.0.1.1").expectStatus().isOk().expectBody()
                .jsonPath("$.status").isEqualTo("DELIVERED").jsonPath("$.amount").isEqualTo("9.00")
                .jsonPath("$.codes[0]").isEqualTo("CODE-AAA-111").jsonPath("$.codes[1]").isEqualTo("CODE-BBB-222")
                .jsonPath("$.paidAt").exists().jsonPath("$.deliveredAt").exists();

        web.post().uri("/api/orders/{no}/resend?email={e}", orderNo, "life@example.com")
                .header("X-Forwarded-For", "10.0.1.2").exchange().expectStatus().isAccepted();
        kafka.awaitOne(Topics.DELIVERY_RESEND_REQUESTED, orderNo);
    }

    @Test
    void whenCodesAreNotDeliveredYetThenResendIsAConflict() {
        standIns.product("RESEND-EARLY", "1.00", 3, 10);
        String orderNo = placeOk("RESEND-EARLY", 1, "re@example.com");
        web.post().uri("/api/orders/{no}/resend?email={e}", orderNo, "re@example.com")
                .header("X-Forwarded-For", "10.0.2.1").exchange().expectStatus().isEqualTo(409)
                .expectBody().jsonPath("$.type").isEqualTo("https://flashkey.dev/problems/conflict");
    }

    @Test
    void whenTheBuyerGivesAPhoneNumberThenItIsKeptWithTheOrderAndTravelsWithOrderPaid() {
        standIns.product("PHONE-1", "2.00", 3, 10);
        String orderNo = web.post().uri("/api/orders").header("Idempotency-Key", "k-" + UUID.randomUUID())
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("sku", "PHONE-1", "quantity", 1, "email", "phone@example.com", "phone",
                        "+8613800000000"))
                .exchange().expectStatus().isAccepted().expectBody(JsonNode.class).returnResult().getResponseBody()
                .get("orderNo").asString();
        awaitStatus(orderNo, OrderStatus.PENDING_PAYMENT);
        assertThat(store.find(new OrderNo(orderNo)).block().buyerPhone()).isEqualTo("+8613800000000");

        kafka.publish(Topics.PAYMENT_SUCCEEDED, new PaymentSucceeded(orderNo, "simpay", "evt-ph", 200, "CNY", "tx-ph",
                Instant.now()));
        OrderPaid paid = (OrderPaid) kafka.awaitOne(Topics.ORDER_PAID, orderNo).envelope().data();
        assertThat(paid.buyerPhone()).isEqualTo("+8613800000000");
        // Without a number the events carry none.
        String without = placeOk("PHONE-1", 1, "no-phone@example.com");
        awaitStatus(without, OrderStatus.PENDING_PAYMENT);
        assertThat(store.find(new OrderNo(without)).block().buyerPhone()).isNull();
    }

    @Test
    void whenTheBuyerCancelsAnUnpaidOrderThenItIsCancelledOnceAndInventoryIsToldToRelease() {
        standIns.product("CANCEL-1", "3.00", 3, 10);
        String orderNo = placeOk("CANCEL-1", 2, "cancel@example.com");

        // Right after the 202 the row may not have landed yet: the cancel waits for it.
        cancel(orderNo, "cancel@example.com").expectStatus().isOk()
                .expectBody().jsonPath("$.status").isEqualTo("CANCELLED").jsonPath("$.orderNo").isEqualTo(orderNo);
        OrderCancelled cancelled = (OrderCancelled) kafka.awaitOne(Topics.ORDER_CANCELLED, orderNo).envelope().data();
        assertThat(cancelled.sku()).isEqualTo("CANCEL-1");
        assertThat(cancelled.quantity()).isEqualTo(2);
        assertThat(cancelled.reason()).isEqualTo("buyer");
        assertThat(store.find(new OrderNo(orderNo)).block().status()).isEqualTo(OrderStatus.CANCELLED);

        cancel(orderNo, "cancel@example.com").expectStatus().isOk().expectBody().jsonPath("$.status")
                .isEqualTo("CANCELLED");
        cancel(orderNo, "someone@example.com").expectStatus().isNotFound();
        // A payment arriving after the cancellation is handled like one after expiry (re-reserve or refund).
        await().pollDelay(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).until(() -> true);
        assertThat(kafka.on(Topics.ORDER_CANCELLED, orderNo)).as("cancelled once").hasSize(1);
    }

    @Test
    void whenTheOrderIsPaidThenItCannotBeCancelled() {
        standIns.product("CANCEL-PAID", "3.00", 3, 10);
        String orderNo = placeOk("CANCEL-PAID", 1, "cancel-paid@example.com");
        awaitStatus(orderNo, OrderStatus.PENDING_PAYMENT);
        kafka.publish(Topics.PAYMENT_SUCCEEDED, new PaymentSucceeded(orderNo, "simpay", "evt-cp", 300, "CNY", "tx-cp",
                Instant.now()));
        awaitStatus(orderNo, OrderStatus.PAID);

        cancel(orderNo, "cancel-paid@example.com").expectStatus().isEqualTo(409)
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.type").isEqualTo("https://flashkey.dev/problems/not-cancellable")
                .jsonPath("$.orderStatus").isEqualTo("PAID");
        assertThat(kafka.on(Topics.ORDER_CANCELLED, orderNo)).isEmpty();
        assertThat(store.find(new OrderNo(orderNo)).block().status()).isEqualTo(OrderStatus.PAID);
    }

    @Test
    void whenAnExpiredOrderIsCancelledThenItAnswersAsItIsAndNothingIsPublished() {
        standIns.product("CANCEL-LATE", "3.00", 3, 10);
        String orderNo = placeOk("CANCEL-LATE", 1, "cancel-late@example.com");
        expireNow(orderNo);
        kafka.awaitOne(Topics.ORDER_EXPIRED, orderNo);
        cancel(orderNo, "cancel-late@example.com").expectStatus().isOk().expectBody().jsonPath("$.status")
                .isEqualTo("EXPIRED");
        assertThat(kafka.on(Topics.ORDER_CANCELLED, orderNo)).isEmpty();
    }

    @Test
    void whenThePaymentAmountDoesNotMatchThenARefundIsRequiredTheStockGoesBackAndADuplicateChangesNothing() {
        standIns.product("MISMATCH-1", "4.50", 3, 10);
        String orderNo = placeOk("MISMATCH-1", 1, "mm@example.com");
        awaitStatus(orderNo, OrderStatus.PENDING_PAYMENT);
        assertThat(standIns.holds(orderNo)).isTrue();
        PaymentSucceeded payment = new PaymentSucceeded(orderNo, "simpay", "evt-mm", 1, "CNY", "tx-mm", Instant.now());
        kafka.publish(Topics.PAYMENT_SUCCEEDED, payment);

        Order order = awaitStatus(orderNo, OrderStatus.REFUND_REQUIRED);
        assertThat(order.flag()).startsWith("payment-mismatch (simpay evt-mm)").contains("expected 450 CNY, paid 1 CNY");
        OrderRefundRequired refund = (OrderRefundRequired) kafka.awaitOne(Topics.ORDER_REFUND_REQUIRED, orderNo)
                .envelope().data();
        assertThat(refund.amountMinor()).as("what was paid goes back").isEqualTo(1);
        assertThat(refund.currency()).isEqualTo("CNY");
        assertThat(refund.reason()).startsWith("payment-mismatch");
        await().atMost(Duration.ofSeconds(30)).until(() -> !standIns.holds(orderNo));
        assertThat(standIns.stock("MISMATCH-1")).isEqualTo(10);

        // The same payment again (a redelivery), then a marker on the same key: once the marker is through, the
        // duplicate was handled before it.
        kafka.publish(Topics.PAYMENT_SUCCEEDED, payment);
        String marker = placeOk("MISMATCH-1", 1, "mm-marker@example.com");
        awaitStatus(marker, OrderStatus.PENDING_PAYMENT);
        kafka.send(Topics.PAYMENT_SUCCEEDED, orderNo, codec.write(EventEnvelope.of(new PaymentSucceeded(marker,
                "simpay", "evt-mm-marker", 450, "CNY", "tx-mmm", Instant.now()), Instant.now())));
        awaitStatus(marker, OrderStatus.PAID);
        Order after = store.find(new OrderNo(orderNo)).block();
        assertThat(after.status()).isEqualTo(OrderStatus.REFUND_REQUIRED);
        assertThat(after.version()).isEqualTo(order.version());
        assertThat(kafka.on(Topics.ORDER_REFUND_REQUIRED, orderNo)).hasSize(1);
        assertThat(kafka.on(Topics.ORDER_PAID, orderNo)).isEmpty();
        assertThat(unmatchedRows("evt-mm")).isEmpty();

        // The buyer pays the right amount afterwards: the order is closed, so that money is kept for an operator.
        kafka.publish(Topics.PAYMENT_SUCCEEDED, new PaymentSucceeded(orderNo, "simpay", "evt-mm-right", 450, "CNY",
                "tx-mm-right", Instant.now()));
        await().atMost(Duration.ofSeconds(30)).until(() -> !kafka.on(Topics.PAYMENT_UNMATCHED, orderNo).isEmpty());
        assertThat(unmatchedRows("evt-mm-right")).containsExactly("order-not-payable");
        assertThat(store.find(new OrderNo(orderNo)).block().status()).isEqualTo(OrderStatus.REFUND_REQUIRED);
    }

    @Test
    void whenAPaymentInAnotherCurrencyArrivesAfterExpiryThenARefundIsRequiredAndNothingIsReReserved() {
        standIns.product("MISMATCH-LATE", "2.00", 3, 10);
        String orderNo = placeOk("MISMATCH-LATE", 1, "mm-late@example.com");
        expireNow(orderNo);
        kafka.awaitOne(Topics.ORDER_EXPIRED, orderNo);

        kafka.publish(Topics.PAYMENT_SUCCEEDED, new PaymentSucceeded(orderNo, "simpay", "evt-mm-late", 200, "USD",
                "tx-mm-late", Instant.now()));
        Order order = awaitStatus(orderNo, OrderStatus.REFUND_REQUIRED);
        assertThat(order.flag()).contains("expected 200 CNY, paid 200 USD");
        OrderRefundRequired refund = (OrderRefundRequired) kafka.awaitOne(Topics.ORDER_REFUND_REQUIRED, orderNo)
                .envelope().data();
        assertThat(refund.currency()).isEqualTo("USD");
        assertThat(standIns.attemptOf(orderNo)).as("no second reservation").isEqualTo(1);
        assertThat(kafka.on(Topics.ORDER_PAID, orderNo)).isEmpty();
    }

    @Test
    void whenAPaidOrderGetsAnotherPaymentThenItIsKeptAsUnmatchedOnceAndTheOrderStaysPaid() {
        standIns.product("MISMATCH-PAID", "2.00", 3, 10);
        String orderNo = placeOk("MISMATCH-PAID", 1, "mm-paid@example.com");
        awaitStatus(orderNo, OrderStatus.PENDING_PAYMENT);
        PaymentSucceeded first = new PaymentSucceeded(orderNo, "simpay", "evt-mmp-1", 200, "CNY", "tx-mmp-1",
                Instant.now());
        kafka.publish(Topics.PAYMENT_SUCCEEDED, first);
        Order paid = awaitStatus(orderNo, OrderStatus.PAID);

        // a copy of the payment it took, another payment of the wrong amount, one of the right amount; each twice
        PaymentSucceeded wrongAmount = new PaymentSucceeded(orderNo, "simpay", "evt-mmp-2", 199, "CNY", "tx-mmp-2",
                Instant.now());
        PaymentSucceeded again = new PaymentSucceeded(orderNo, "simpay", "evt-mmp-3", 200, "CNY", "tx-mmp-3",
                Instant.now());
        for (PaymentSucceeded payment : List.of(first, wrongAmount, again)) {
            kafka.publish(Topics.PAYMENT_SUCCEEDED, payment);
            kafka.publish(Topics.PAYMENT_SUCCEEDED, payment);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> kafka.on(Topics.PAYMENT_UNMATCHED, orderNo).size() == 2);
        assertThat(unmatchedRows("evt-mmp-1")).as("the payment it took").isEmpty();
        assertThat(unmatchedRows("evt-mmp-2")).containsExactly("amount-mismatch");
        assertThat(unmatchedRows("evt-mmp-3")).containsExactly("order-not-payable");
        PaymentUnmatched unmatched = kafka.on(Topics.PAYMENT_UNMATCHED, orderNo).stream()
                .map(c -> (PaymentUnmatched) c.envelope().data())
                .filter(u -> u.providerEventId().equals("evt-mmp-2")).findFirst().orElseThrow();
        assertThat(unmatched.amountMinor()).isEqualTo(199);
        assertThat(unmatched.detail()).contains("is PAID").contains("expected 200 CNY, paid 199 CNY");
        Order after = store.find(new OrderNo(orderNo)).block();
        assertThat(after.status()).isEqualTo(OrderStatus.PAID);
        assertThat(after.version()).isEqualTo(paid.version());
        assertThat(kafka.on(Topics.ORDER_PAID, orderNo)).hasSize(1);
    }

    @Test
    void whenThePaymentNamesAMalformedOrderNumberThenItIsKeptAsUnmatchedAtOnceAndOnceOnly() {
        double before = unmatchedCount("malformed-order-no");
        double shardBefore = unmatchedCount("unknown-shard");
        // wrong length, wrong charset, a random part beyond 64 bits, a shard beyond the four this service has
        String wellFormedBeyondShards = OrderNo.generate(Instant.now(), 1295).value();
        List<String> numbers = List.of("FK-NOT-AN-ORDER", "0mwwj1c2k020l6j8rg0ygnfp", "0MWWJ1C2K02ZZZZZZZZZZZZZ",
                wellFormedBeyondShards);
        for (int i = 0; i < numbers.size(); i++) {
            PaymentSucceeded payment = new PaymentSucceeded(numbers.get(i), "simpay", "evt-bad-" + i, 450, "CNY",
                    "tx-bad-" + i, Instant.now());
            kafka.publish(Topics.PAYMENT_SUCCEEDED, payment);
            kafka.publish(Topics.PAYMENT_SUCCEEDED, payment);
        }
        await().atMost(Duration.ofSeconds(15)).until(() -> numbers.stream()
                .allMatch(n -> !kafka.on(Topics.PAYMENT_UNMATCHED, n).isEmpty()));
        // a marker payment of every number after the duplicates: once through, the duplicates were handled
        for (String n : numbers) {
            kafka.publish(Topics.PAYMENT_SUCCEEDED, new PaymentSucceeded(n, "simpay", "evt-bad-marker-" + n, 1, "CNY",
                    "tx", Instant.now()));
        }
        await().atMost(Duration.ofSeconds(15)).until(() -> numbers.stream()
                .allMatch(n -> kafka.on(Topics.PAYMENT_UNMATCHED, n).size() == 2));

        for (int i = 0; i < numbers.size(); i++) {
            assertThat(unmatchedRows("evt-bad-" + i)).as(numbers.get(i)).containsExactly(i < 3 ? "malformed-order-no"
                    : "unknown-shard");
            // the number names no shard of ours: the payment is kept in shard 0
            assertThat(shards.strings(0, "SELECT order_no FROM unmatched_payment WHERE provider_event_id = 'evt-bad-"
                    + i + "'")).containsExactly(numbers.get(i));
        }
        PaymentUnmatched first = kafka.on(Topics.PAYMENT_UNMATCHED, numbers.get(0)).stream()
                .map(c -> (PaymentUnmatched) c.envelope().data())
                .filter(u -> u.providerEventId().equals("evt-bad-0")).findFirst().orElseThrow();
        assertThat(first.amountMinor()).isEqualTo(450);
        assertThat(first.reason()).isEqualTo("malformed-order-no");
        assertThat(unmatchedCount("malformed-order-no") - before).isEqualTo(6);
        assertThat(unmatchedCount("unknown-shard") - shardBefore).isEqualTo(2);
        assertThat(kafka.on(Topics.PAYMENT_SUCCEEDED + ".DLT", numbers.get(0))).isEmpty();

        web.get().uri("/api/admin/payments/unmatched?limit=500")
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + AdminTokens.admin()).exchange()
                .expectStatus().isOk().expectBody()
                .jsonPath("$.items[?(@.providerEventId == 'evt-bad-0')].orderNo").isEqualTo("FK-NOT-AN-ORDER")
                .jsonPath("$.items[?(@.providerEventId == 'evt-bad-0')].amount").isEqualTo("4.50")
                .jsonPath("$.items[?(@.providerEventId == 'evt-bad-0')].currency").isEqualTo("CNY")
                .jsonPath("$.items[?(@.providerEventId == 'evt-bad-0')].reason").isEqualTo("malformed-order-no")
                .jsonPath("$.items[?(@.providerEventId == 'evt-bad-0')].transactionId").isEqualTo("tx-bad-0")
                .jsonPath("$.items[?(@.providerEventId == 'evt-bad-3')].reason").isEqualTo("unknown-shard");
    }

    @Test
    void whenThePaymentsOrderNeverLandsThenItIsKeptAsUnmatchedOnlyAfterTheWait() {
        String unknown = OrderNo.generate(Instant.now(), 2).value();
        PaymentSucceeded payment = new PaymentSucceeded(unknown, "simpay", "evt-unknown", 300, "CNY", "tx-unknown",
                Instant.now());
        kafka.publish(Topics.PAYMENT_SUCCEEDED, payment);
        // Its order.placed may still be in flight: nothing is declared unmatched while the consumer waits.
        await().pollDelay(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(2)).until(() -> true);
        assertThat(unmatchedRows("evt-unknown")).isEmpty();

        await().atMost(Duration.ofSeconds(60)).until(() -> !kafka.on(Topics.PAYMENT_UNMATCHED, unknown).isEmpty());
        assertThat(shards.strings(2, "SELECT reason FROM unmatched_payment WHERE provider_event_id = 'evt-unknown'"))
                .as("kept in the shard the number names").containsExactly("unknown-order");
        assertThat(kafka.on(Topics.PAYMENT_SUCCEEDED + ".DLT", unknown)).isEmpty();

        kafka.publish(Topics.PAYMENT_SUCCEEDED, payment);
        kafka.publish(Topics.PAYMENT_SUCCEEDED, new PaymentSucceeded(unknown, "simpay", "evt-unknown-marker", 1, "CNY",
                "tx", Instant.now()));
        await().atMost(Duration.ofSeconds(60)).until(() -> kafka.on(Topics.PAYMENT_UNMATCHED, unknown).size() == 2);
        assertThat(unmatchedRows("evt-unknown")).containsExactly("unknown-order");
    }

    @Test
    void whenAPlacedOrdersRowDoesNotLandWithinTheWaitThenItsPaymentIsKeptAsNotIngested() {
        standIns.product("NOT-INGESTED", "2.00", 3, 10);
        listeners.getListenerContainer("order-placed-ingest").stop();
        String orderNo;
        try {
            orderNo = placeOk("NOT-INGESTED", 1, "ni@example.com");
            kafka.publish(Topics.PAYMENT_SUCCEEDED, new PaymentSucceeded(orderNo, "simpay", "evt-ni", 200, "CNY",
                    "tx-ni", Instant.now()));
            await().atMost(Duration.ofSeconds(60)).until(() -> !kafka.on(Topics.PAYMENT_UNMATCHED, orderNo).isEmpty());
        }
        finally {
            listeners.getListenerContainer("order-placed-ingest").start();
        }
        assertThat(unmatchedRows("evt-ni")).containsExactly("not-ingested");
        awaitStatus(orderNo, OrderStatus.PENDING_PAYMENT);
    }

    @Test
    void whenUnmatchedPaymentsAreListedWithoutAnAdminTokenThenTheyAreRefused() {
        web.get().uri("/api/admin/payments/unmatched").exchange().expectStatus().isUnauthorized()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.type").isEqualTo("https://flashkey.dev/problems/unauthorized");
        String buyer = AdminTokens.token(AdminTokens.LOCAL_SECRET, "flashkey", List.of("buyer"),
                Instant.now().plus(Duration.ofMinutes(10)));
        web.get().uri("/api/admin/payments/unmatched").header(HttpHeaders.AUTHORIZATION, "Bearer " + buyer).exchange()
                .expectStatus().isForbidden();
        String forged = AdminTokens.token("another-secret-of-at-least-32-bytes-000000", "flashkey", List.of("admin"),
                Instant.now().plus(Duration.ofMinutes(10)));
        web.get().uri("/api/admin/payments/unmatched").header(HttpHeaders.AUTHORIZATION, "Bearer " + forged)
                .exchange().expectStatus().isUnauthorized();
        web.get().uri("/api/admin/payments/unmatched?limit=0")
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + AdminTokens.admin()).exchange()
                .expectStatus().isBadRequest();
        web.get().uri("/api/admin/payments/unmatched")
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + AdminTokens.admin()).exchange()
                .expectStatus().isOk().expectBody().jsonPath("$.items").isArray();
    }

    @Test
    void whenThePaymentArrivesBeforeTheRowThenItIsAppliedOnceTheRowLands() {
        standIns.product("EARLY-PAY", "2.00", 3, 10);
        listeners.getListenerContainer("order-placed-ingest").stop();
        String orderNo;
        try {
            orderNo = placeOk("EARLY-PAY", 1, "ep@example.com");
            kafka.publish(Topics.PAYMENT_SUCCEEDED, new PaymentSucceeded(orderNo, "simpay", "evt-ep", 200, "CNY",
                    "tx-ep", Instant.now()));
            await().pollDelay(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() -> true);
            assertThat(stored("EARLY-PAY")).isEmpty();
        }
        finally {
            listeners.getListenerContainer("order-placed-ingest").start();
        }
        awaitStatus(orderNo, OrderStatus.PAID);
        kafka.awaitOne(Topics.ORDER_PAID, orderNo);
    }

    @Test
    void whenPaymentArrivesPastTheDeadlineButWithinTheGraceThenTheOrderIsPaidNormally() {
        standIns.product("GRACE-1", "2.00", 3, 10);
        String orderNo = placeOk("GRACE-1", 1, "grace@example.com");
        Order placed = awaitStatus(orderNo, OrderStatus.PENDING_PAYMENT);
        assertThat(standIns.reservationDeadline(orderNo)).as("inventory holds the stock through the grace")
                .isCloseTo(placed.expiresAt().plusSeconds(30), within(1, ChronoUnit.SECONDS));
        // The buyer's deadline passed 5 s ago; the 30 s grace has not.
        shards.update(new OrderNo(orderNo).shard(), "UPDATE orders SET expires_at = UTC_TIMESTAMP(6) - INTERVAL 5 SECOND "
                + "WHERE order_no = '" + orderNo + "'");
        await().pollDelay(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> true);
        assertThat(store.find(new OrderNo(orderNo)).block().status()).isEqualTo(OrderStatus.PENDING_PAYMENT);

        kafka.publish(Topics.PAYMENT_SUCCEEDED, new PaymentSucceeded(orderNo, "simpay", "evt-grace", 200, "CNY",
                "tx-grace", Instant.now()));
        Order paid = awaitStatus(orderNo, OrderStatus.PAID);
        kafka.awaitOne(Topics.ORDER_PAID, orderNo);
        assertThat(paid.attempt()).as("paid under its first reservation, not re-reserved").isEqualTo(1);
        assertThat(kafka.on(Topics.ORDER_EXPIRED, orderNo)).isEmpty();
        assertThat(standIns.stock("GRACE-1")).isEqualTo(9);
    }

    @Test
    void whenPaymentArrivesAfterExpiryAndStockRemainsThenItIsReReservedUnderANewAttemptAndPaid() {
        standIns.product("LATE-OK", "2.00", 3, 10);
        String orderNo = placeOk("LATE-OK", 1, "late@example.com");
        expireNow(orderNo);
        kafka.awaitOne(Topics.ORDER_EXPIRED, orderNo);
        assertThat(standIns.releaseNow(orderNo)).as("inventory releases on order.expired").isTrue();

        kafka.publish(Topics.PAYMENT_SUCCEEDED, new PaymentSucceeded(orderNo, "simpay", "evt-late", 200, "CNY",
                "tx-late", Instant.now()));
        awaitStatus(orderNo, OrderStatus.PAID);
        kafka.awaitOne(Topics.ORDER_PAID, orderNo);
        assertThat(standIns.attemptOf(orderNo)).isEqualTo(2);
        assertThat(standIns.stock("LATE-OK")).isEqualTo(9);
        assertThat(shards.strings(new OrderNo(orderNo).shard(),
                "SELECT attempt FROM orders WHERE order_no = '" + orderNo + "'")).containsExactly("2");
    }

    @Test
    void whenPaymentArrivesAfterExpiryAndNothingIsLeftThenARefundIsRequired() {
        standIns.product("LATE-GONE", "2.00", 3, 1);
        String orderNo = placeOk("LATE-GONE", 1, "late-gone@example.com");
        expireNow(orderNo);
        kafka.awaitOne(Topics.ORDER_EXPIRED, orderNo);
        standIns.releaseNow(orderNo);
        placeOk("LATE-GONE", 1, "someone-else@example.com");

        kafka.publish(Topics.PAYMENT_SUCCEEDED, new PaymentSucceeded(orderNo, "simpay", "evt-gone", 200, "CNY",
                "tx-gone", Instant.now()));
        awaitStatus(orderNo, OrderStatus.REFUND_REQUIRED);
        OrderRefundRequired refund = (OrderRefundRequired) kafka.awaitOne(Topics.ORDER_REFUND_REQUIRED, orderNo)
                .envelope().data();
        assertThat(refund.amountMinor()).isEqualTo(200);
        assertThat(refund.reason()).contains("sold-out");
        assertThat(kafka.on(Topics.ORDER_PAID, orderNo)).isEmpty();
    }

    @Test
    void whenAllocationFailsForAPaidOrderThenARefundIsRequired() {
        standIns.product("ALLOC-FAIL", "2.00", 3, 10);
        String orderNo = placeOk("ALLOC-FAIL", 1, "af@example.com");
        awaitStatus(orderNo, OrderStatus.PENDING_PAYMENT);
        kafka.publish(Topics.PAYMENT_SUCCEEDED, new PaymentSucceeded(orderNo, "simpay", "evt-af", 200, "CNY",
                "tx-af", Instant.now()));
        awaitStatus(orderNo, OrderStatus.PAID);
        kafka.publish(Topics.ALLOCATION_FAILED, new AllocationFailed(orderNo, "ALLOC-FAIL", 1, 0, "no keys",
                Instant.now()));
        awaitStatus(orderNo, OrderStatus.REFUND_REQUIRED);
        kafka.awaitOne(Topics.ORDER_REFUND_REQUIRED, orderNo);
    }

    @Test
    void whenARecordIsNotAnEventThenItGoesToTheDeadLetterTopicAndLaterRecordsStillFlow() {
        standIns.product("POISON-1", "2.00", 3, 10);
        String orderNo = placeOk("POISON-1", 1, "poison@example.com");
        awaitStatus(orderNo, OrderStatus.PENDING_PAYMENT);
        kafka.send(Topics.PAYMENT_SUCCEEDED, orderNo, "{not json".getBytes());
        kafka.publish(Topics.PAYMENT_SUCCEEDED, new PaymentSucceeded(orderNo, "simpay", "evt-p", 200, "CNY", "tx-p",
                Instant.now()));
        awaitStatus(orderNo, OrderStatus.PAID);
        kafka.awaitOne(Topics.PAYMENT_SUCCEEDED + ".DLT", orderNo);
    }

    @Test
    void whenABuyerHasOrdersThenTheHistoryListsThemNewestFirst() {
        standIns.product("HIST-1", "1.00", 5, 10);
        String first = placeOk("HIST-1", 1, "hist@example.com");
        String second = placeOk("HIST-1", 1, "hist@example.com");
        awaitStatus(first, OrderStatus.PENDING_PAYMENT);
        awaitStatus(second, OrderStatus.PENDING_PAYMENT);
        List<String> history = store.history("hist@example.com", 10).map(o -> o.orderNo().value()).collectList().block();
        assertThat(history).containsExactly(second, first);
    }

    @Test
    void whenStartedThenHealthProbesMetricsAndOpenApiAnswer() {
        web.get().uri("/actuator/health/liveness").exchange().expectStatus().isOk();
        web.get().uri("/actuator/health/readiness").exchange().expectStatus().isOk();
        web.get().uri("/actuator/prometheus").exchange().expectStatus().isOk();
        web.get().uri("/v3/api-docs").exchange().expectStatus().isOk();
    }

    // ---------------------------------------------------------------- helpers

    private WebTestClient.ResponseSpec place(String key, String sku, int quantity, String email) {
        return web.post().uri("/api/orders").header("Idempotency-Key", key).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("sku", sku, "quantity", quantity, "email", email)).exchange();
    }

    private WebTestClient.ResponseSpec cancel(String orderNo, String email) {
        return web.post().uri("/api/orders/{no}/cancel?email={e}", orderNo, email)
                .header("X-Forwarded-For", "10.0.3." + (Math.abs(orderNo.hashCode()) % 250)).exchange();
    }

    private String placeOk(String sku, int quantity, String email) {
        return place("k-" + UUID.randomUUID(), sku, quantity, email).expectStatus().isAccepted()
                .expectBody(JsonNode.class).returnResult().getResponseBody().get("orderNo").asString();
    }

    private WebTestClient.ResponseSpec lookUp(String orderNo, String email, String client) {
        return web.get().uri("/api/orders/{no}?email={e}", orderNo, email).header("X-Forwarded-For", client).exchange();
    }

    private static void expectProblem(WebTestClient.ResponseSpec response, int status, String code) {
        response.expectStatus().isEqualTo(HttpStatus.valueOf(status))
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.type").isEqualTo("https://flashkey.dev/problems/" + code);
    }

    private Order awaitStatus(String orderNo, OrderStatus status) {
        await().atMost(Duration.ofSeconds(45)).until(() -> {
            Order o = store.find(new OrderNo(orderNo)).block();
            return o != null && o.status() == status;
        });
        return store.find(new OrderNo(orderNo)).block();
    }

    private void expireNow(String orderNo) {
        awaitStatus(orderNo, OrderStatus.PENDING_PAYMENT);
        // Past the deadline and the 30 s payment grace.
        shards.update(new OrderNo(orderNo).shard(), "UPDATE orders SET expires_at = UTC_TIMESTAMP(6) - INTERVAL 31 SECOND "
                + "WHERE order_no = '" + orderNo + "'");
        awaitStatus(orderNo, OrderStatus.EXPIRED);
    }

    /** The reasons stored for a provider event, over every shard (one row expected). */
    private static List<String> unmatchedRows(String providerEventId) {
        List<String> all = new ArrayList<>();
        for (int s = 0; s < shards.count(); s++) {
            all.addAll(shards.strings(s, "SELECT reason FROM unmatched_payment WHERE provider = 'simpay' AND "
                    + "provider_event_id = '" + providerEventId + "'"));
        }
        return all;
    }

    private double unmatchedCount(String reason) {
        return meters.counter("flashkey.order.payments.unmatched", "reason", reason).count();
    }

    private static List<String> stored(String sku) {
        List<String> all = new ArrayList<>();
        for (int s = 0; s < shards.count(); s++) {
            all.addAll(shards.strings(s, "SELECT order_no FROM orders WHERE sku = '" + sku + "'"));
        }
        return all;
    }
}
