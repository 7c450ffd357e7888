package com.flashkey.payment.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import com.flashkey.contracts.EventCodec;
import com.flashkey.contracts.EventEnvelope;
import com.flashkey.contracts.OrderPlaced;
import com.flashkey.contracts.PaymentSucceeded;
import com.flashkey.contracts.Topics;
import com.flashkey.payment.PublishedEvents;
import com.flashkey.payment.WebhookTestSupport;
import com.flashkey.payment.notification.SimpaySignature;
import com.flashkey.payment.reconciliation.ReconciliationJob;
import com.flashkey.testsupport.TestDatabase;
import com.flashkey.testsupport.TestTopics;

// The context owns this class's own database/topics/keys: closed after the class, so its consumers and loops
// do not run on, against dropped resources and in the same consumer groups, beside the next class.
@DirtiesContext
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.DEFINED_PORT)
@AutoConfigureWebTestClient
@ActiveProfiles("local")
class SimulatorAndReconciliationTests {

    static final int PORT = WebhookTestSupport.freePort();
    static final String SECRET = "simpay-sim-secret";

    @RegisterExtension
    static TestDatabase db = WebhookTestSupport.newDatabase();

    @RegisterExtension
    static TestTopics topics = WebhookTestSupport.newTopics();

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        WebhookTestSupport.registerInfrastructure(registry, db, topics);
        registry.add("server.port", () -> PORT);
        registry.add("flashkey.payment.providers.simpay.secrets", () -> SECRET);
        // No query URL here: the local profile's default is the simulator's query API on this service's own port,
        // so the lost-webhook test below proves what bin/flashkey runs (item 8 of issue 15).
        // The test runs reconciliation passes itself.
        registry.add("flashkey.payment.reconciliation.interval", () -> "1h");
        registry.add("flashkey.payment.reconciliation.timeout", () -> "30s");
        registry.add("flashkey.payment.relay.enabled", () -> "false");
        registry.add("flashkey.payment.simulator.timeout", () -> "60s");
    }

    @Autowired
    WebTestClient web;

    @Autowired
    KafkaTemplate<String, byte[]> kafka;

    @Autowired
    ReconciliationJob reconciliation;

    @BeforeEach
    void patientClient() {
        web = web.mutate().responseTimeout(Duration.ofSeconds(120)).build();
    }

    @Test
    void whenTheSimulatorPaysWithDeliberateDuplicatesThenOnePaymentSucceededIsPublished() {
        String orderNo = orderNo();
        web.post().uri("/simulator/pay?orderNo=" + orderNo + "&amount=9.90&currency=CNY&duplicates=3").exchange()
                .expectStatus().isOk().expectBody()
                .jsonPath("$.delivered").isEqualTo(true)
                .jsonPath("$.duplicatesAnswered").isEqualTo(3)
                .jsonPath("$.amount").isEqualTo("9.90");

        List<EventEnvelope<PaymentSucceeded>> published = publishedFor(orderNo);
        assertThat(published).hasSize(1);
        assertThat(published.get(0).data().amountMinor()).isEqualTo(990);
    }

    @Test
    void whenAnOrderWasPlacedThenThePayPageShowsItsAmountFromOrderPlaced() throws Exception {
        String orderNo = orderNo();
        placeOrder(orderNo, 2590, Instant.now());
        awaitPendingOrder(orderNo);
        web.get().uri("/simulator/pay?orderNo=" + orderNo).exchange().expectStatus().isOk()
                .expectBody(String.class).value(html -> assertThat(html).contains(orderNo).contains("25.90 CNY"));
        web.get().uri("/simulator/pay?orderNo=UNKNOWN0" + orderNo.substring(0, 8)).exchange().expectStatus().isNotFound();
    }

    @Test
    void whenTheWebhookIsLostThenReconciliationAsksTheProviderAndPublishesTheMissedPayment() throws Exception {
        String orderNo = orderNo();
        placeOrder(orderNo, 1990, Instant.now().minus(Duration.ofMinutes(10)));
        awaitPendingOrder(orderNo);
        String eventId = web.post().uri("/simulator/pay?orderNo=" + orderNo + "&notify=false").exchange()
                .expectStatus().isOk().expectBody(DeliveryReport.class).returnResult().getResponseBody().eventId();
        assertThat(publishedFor(orderNo)).isEmpty();

        reconciliation.reconcile().block(Duration.ofSeconds(120));

        List<EventEnvelope<PaymentSucceeded>> published = publishedFor(orderNo);
        assertThat(published).hasSize(1);
        assertThat(published.get(0).data().providerEventId()).isEqualTo(eventId);
        assertThat(published.get(0).data().amountMinor()).isEqualTo(1990);
        assertThat(pendingState(orderNo)).isEqualTo("PAID");

        // The provider's late webhook for the same payment is a duplicate.
        web.post().uri("/simulator/pay?orderNo=" + orderNo).exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.delivered").isEqualTo(true);
        assertThat(publishedFor(orderNo)).hasSize(1);
    }

    @Test
    void whenAnOrderIsPendingButUnpaidThenReconciliationPublishesNothing() throws Exception {
        String orderNo = orderNo();
        placeOrder(orderNo, 990, Instant.now().minus(Duration.ofMinutes(10)));
        awaitPendingOrder(orderNo);
        reconciliation.reconcile().block(Duration.ofSeconds(120));
        assertThat(publishedFor(orderNo)).isEmpty();
        assertThat(pendingState(orderNo)).isEqualTo("PENDING");
    }

    @Test
    void whenTheQueryApiAnswersThenTheAnswerIsSignedWithTheProviderSecret() {
        String orderNo = orderNo();
        var result = web.get().uri("/simulator/api/payments/" + orderNo).exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.status").isEqualTo("UNPAID").returnResult();
        new SimpaySignature(List.of(SECRET), Duration.ofMinutes(5)).verify(
                result.getResponseHeaders().getFirst(SimpaySignature.HEADER), result.getResponseBody(), Instant.now());
    }

    @Test
    void whenAPollOfOrderPlacedHoldsDuplicatesAndAPoisonRecordThenEachOrderIsPendingOnceAndOnlyThePoisonIsDeadLettered()
            throws Exception {
        String first = orderNo();
        String second = orderNo();
        String poisonKey = "POISON" + first.substring(2, 12);
        Instant now = Instant.now();
        // Sent together, so they reach the batch listener in one poll or a few.
        List<java.util.concurrent.CompletableFuture<?>> sent = new java.util.ArrayList<>();
        sent.add(kafka.send(topics.name(Topics.ORDER_PLACED), first, placed(first, 990, now)));
        sent.add(kafka.send(topics.name(Topics.ORDER_PLACED), poisonKey, "{not json".getBytes(StandardCharsets.UTF_8)));
        sent.add(kafka.send(topics.name(Topics.ORDER_PLACED), second, placed(second, 1990, now)));
        sent.add(kafka.send(topics.name(Topics.ORDER_PLACED), first, placed(first, 990, now)));
        for (var f : sent) {
            f.get();
        }

        awaitPendingOrder(first);
        awaitPendingOrder(second);
        assertThat(WebhookTestSupport.firstValue(db, "SELECT COUNT(*) FROM pending_orders WHERE order_no IN (?, ?)",
                first, second)).isEqualTo("2");
        String dlt = topics.name(Topics.ORDER_PLACED) + ".DLT";
        WebhookTestSupport.await("poison dead-lettered", Duration.ofSeconds(60), Duration.ofMillis(200),
                () -> PublishedEvents.all(topics.bootstrapServers(), dlt).stream()
                        .anyMatch(r -> poisonKey.equals(r.key())));
        List<ConsumerRecord<String, byte[]>> deadLetters = PublishedEvents.all(topics.bootstrapServers(), dlt).stream()
                .filter(r -> r.key() != null && (r.key().equals(poisonKey) || r.key().equals(first) || r.key().equals(second)))
                .toList();
        assertThat(deadLetters).extracting(ConsumerRecord::key).containsExactly(poisonKey);
        assertThat(new String(deadLetters.get(0).headers().lastHeader("flashkey-dlt-reason").value(),
                StandardCharsets.UTF_8)).startsWith("malformed");
    }

    private static byte[] placed(String orderNo, long amountMinor, Instant placedAt) {
        var placed = new OrderPlaced(orderNo, "STEAM-50", 1, "buyer@example.com", amountMinor, "CNY", "en",
                UUID.randomUUID().toString(), placedAt, placedAt.plus(Duration.ofMinutes(15)));
        return new EventCodec().write(EventEnvelope.of(placed, placedAt));
    }

    private void placeOrder(String orderNo, long amountMinor, Instant placedAt) throws Exception {
        var placed = new OrderPlaced(orderNo, "STEAM-50", 1, "buyer@example.com", amountMinor, "CNY", "en",
                UUID.randomUUID().toString(), placedAt, placedAt.plus(Duration.ofMinutes(15)));
        kafka.send(topics.name(Topics.ORDER_PLACED), orderNo,
                new EventCodec().write(EventEnvelope.of(placed, placedAt))).get();
    }

    private void awaitPendingOrder(String orderNo) throws Exception {
        WebhookTestSupport.await("order.placed consumed", Duration.ofSeconds(120), Duration.ofMillis(200),
                () -> pendingState(orderNo) != null);
    }

    private static String pendingState(String orderNo) throws SQLException {
        return WebhookTestSupport.firstValue(db, "SELECT state FROM pending_orders WHERE order_no = ?", orderNo);
    }

    private List<EventEnvelope<PaymentSucceeded>> publishedFor(String orderNo) {
        return WebhookTestSupport.publishedWhere(topics, p -> p.orderNo().equals(orderNo));
    }

    private static String orderNo() {
        return "FK" + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
    }
}
