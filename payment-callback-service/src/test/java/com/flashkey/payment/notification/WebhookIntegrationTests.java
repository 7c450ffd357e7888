package com.flashkey.payment.notification;

import static com.flashkey.payment.WebhookTestSupport.newId;
import static com.flashkey.payment.WebhookTestSupport.now;
import static com.flashkey.payment.WebhookTestSupport.simpayBody;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.WebClient;

import com.flashkey.contracts.EventEnvelope;
import com.flashkey.contracts.PaymentSucceeded;
import com.flashkey.contracts.Topics;
import com.flashkey.payment.WebhookTestSupport;
import com.flashkey.testsupport.TestDatabase;
import com.flashkey.testsupport.TestTopics;

import io.micrometer.core.instrument.MeterRegistry;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

// The context owns this class's own database/topics/keys: closed after the class, so its consumers and loops
// do not run on, against dropped resources and in the same consumer groups, beside the next class.
@DirtiesContext
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient
class WebhookIntegrationTests {

    static final String SECRET = "simpay-it-secret";
    static final String EPAY_KEY = "epay-it-key";

    @RegisterExtension
    static TestDatabase db = WebhookTestSupport.newDatabase();

    @RegisterExtension
    static TestTopics topics = WebhookTestSupport.newTopics();

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        WebhookTestSupport.registerInfrastructure(registry, db, topics);
        registry.add("flashkey.payment.providers.simpay.secrets", () -> "rotated-out-secret," + SECRET);
        registry.add("flashkey.payment.providers.epay.enabled", () -> "true");
        registry.add("flashkey.payment.providers.epay.key", () -> EPAY_KEY);
        registry.add("flashkey.payment.providers.epay.pid", () -> "1001");
        // Only the requests under test publish; the relay has its own test that calls it directly.
        registry.add("flashkey.payment.relay.enabled", () -> "false");
        registry.add("flashkey.payment.reconciliation.enabled", () -> "false");
        registry.add("spring.r2dbc.pool.max-acquire-time", () -> "30s");
    }

    @BeforeEach
    void patientClient() {
        web = web.mutate().responseTimeout(Duration.ofSeconds(90)).build();
    }

    @Autowired
    WebTestClient web;

    @Autowired
    WebhookAudit audit;

    @Autowired
    PaymentNotifications notifications;

    @Autowired
    MeterRegistry meters;

    @LocalServerPort
    int port;

    @Test
    void whenASignedPaymentArrivesThenItIsRecordedPublishedAndAcknowledged() throws Exception {
        String eventId = newId("evt");
        byte[] body = simpayBody(eventId, "FKA" + eventId.substring(4, 14), "9.90");

        postSimpay(body, SimpaySignature.header(now(), body, SECRET)).expectStatus().isOk()
                .expectBody().json("{\"received\":true}");

        List<EventEnvelope<PaymentSucceeded>> events = publishedFor(eventId);
        assertThat(events).hasSize(1);
        PaymentSucceeded event = events.get(0).data();
        assertThat(event.amountMinor()).isEqualTo(990);
        assertThat(event.currency()).isEqualTo("CNY");
        assertThat(event.provider()).isEqualTo("simpay");
        assertThat(events.get(0).key()).isEqualTo(event.orderNo());
        awaitRowState("simpay", eventId, "PUBLISHED");
    }

    @Test
    void whenTheSameEventArrivesAgainThenItAnswers200AtOnceAndPublishesNothingNew() throws Exception {
        String eventId = newId("evt");
        byte[] body = simpayBody(eventId, "FKB" + eventId.substring(4, 14), "19.90");
        for (int i = 0; i < 3; i++) {
            postSimpay(body, SimpaySignature.header(now(), body, SECRET)).expectStatus().isOk()
                    .expectBody().json("{\"received\":true}");
        }
        assertThat(publishedFor(eventId)).hasSize(1);
        audit.flush().block();
        assertThat(auditOutcomes(eventId)).containsExactlyInAnyOrder("ACCEPTED", "DUPLICATE", "DUPLICATE");
    }

    @Test
    void when500CopiesOfOneEventArriveConcurrentlyThenExactlyOnePaymentSucceededAndEveryAnswerIs200() {
        String eventId = newId("evt");
        byte[] body = simpayBody(eventId, "FKC" + eventId.substring(4, 14), "29.90");
        String header = SimpaySignature.header(now(), body, SECRET);
        ConnectionProvider connections = ConnectionProvider.builder("burst").maxConnections(500)
                .pendingAcquireMaxCount(-1).build();
        try {
            WebClient client = WebClient.builder().baseUrl("http://127.0.0.1:" + port)
                    .clientConnector(new ReactorClientHttpConnector(HttpClient.create(connections))).build();
            List<Integer> statuses = Flux.range(0, 500)
                    .flatMap(i -> client.post().uri("/webhooks/payments/simpay").contentType(MediaType.APPLICATION_JSON)
                            .header(SimpaySignature.HEADER, header).bodyValue(body)
                            .exchangeToMono(response -> response.releaseBody().thenReturn(response.statusCode().value())),
                            500)
                    .collectList().block(Duration.ofSeconds(300));

            assertThat(statuses).hasSize(500);
            assertThat(statuses.stream().collect(Collectors.groupingBy(s -> s, Collectors.counting())))
                    .isEqualTo(Map.of(200, 500L));
            assertThat(publishedFor(eventId)).hasSize(1);
        }
        finally {
            connections.dispose();
        }
    }

    @Test
    void whenManyEventsAndTheirCopiesArriveTogetherThenEachIsRecordedAndPublishedOnceAndEveryCopyIs200()
            throws Exception {
        // 100 events, 3 copies each, all at once and shuffled: the group commit puts copies of one event in the same
        // statement, in different statements, before and after its first copy's commit; dedupe must hold for all.
        List<String> eventIds = new ArrayList<>();
        List<byte[]> bodies = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            String eventId = newId("evt");
            eventIds.add(eventId);
            byte[] body = simpayBody(eventId, "FKM" + eventId.substring(4, 14), "1.00");
            for (int copy = 0; copy < 3; copy++) {
                bodies.add(body);
            }
        }
        java.util.Collections.shuffle(bodies, new java.util.Random(7));
        ConnectionProvider connections = ConnectionProvider.builder("copies").maxConnections(300)
                .pendingAcquireMaxCount(-1).build();
        try {
            WebClient client = WebClient.builder().baseUrl("http://127.0.0.1:" + port)
                    .clientConnector(new ReactorClientHttpConnector(HttpClient.create(connections))).build();
            List<Integer> statuses = Flux.fromIterable(bodies)
                    .flatMap(body -> client.post().uri("/webhooks/payments/simpay").contentType(MediaType.APPLICATION_JSON)
                            .header(SimpaySignature.HEADER, SimpaySignature.header(now(), body, SECRET)).bodyValue(body)
                            .exchangeToMono(response -> response.releaseBody().thenReturn(response.statusCode().value())),
                            300)
                    .collectList().block(Duration.ofSeconds(300));
            assertThat(statuses.stream().collect(Collectors.groupingBy(s -> s, Collectors.counting())))
                    .isEqualTo(Map.of(200, 300L));
        }
        finally {
            connections.dispose();
        }
        Map<String, Long> published = WebhookTestSupport.publishedWhere(topics, p -> eventIds.contains(p.providerEventId()))
                .stream().collect(Collectors.groupingBy(e -> e.data().providerEventId(), Collectors.counting()));
        assertThat(published).hasSize(100).allSatisfy((id, n) -> assertThat(n).as(id).isEqualTo(1));
        for (String eventId : List.of(eventIds.get(0), eventIds.get(50), eventIds.get(99))) {
            awaitRowState("simpay", eventId, "PUBLISHED");
        }
        audit.flush().block();
        for (String eventId : eventIds) {
            assertThat(auditOutcomes(eventId)).as(eventId).containsExactlyInAnyOrder("ACCEPTED", "DUPLICATE", "DUPLICATE");
        }
    }

    @Test
    void whenTheSignatureIsWrongThenItAnswers400BadSignatureCountsItAndAuditsIt() throws Exception {
        String eventId = newId("evt");
        byte[] body = simpayBody(eventId, "FKD" + eventId.substring(4, 14), "9.90");
        double before = badSignatures("mismatch");

        postSimpay(body, SimpaySignature.header(now(), body, "not-our-secret"))
                .expectStatus().isBadRequest()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.type").isEqualTo("https://flashkey.dev/problems/bad-signature")
                .jsonPath("$.reason").isEqualTo("mismatch")
                .jsonPath("$.trace").doesNotExist();

        assertThat(badSignatures("mismatch")).isEqualTo(before + 1);
        assertThat(publishedFor(eventId)).isEmpty();
        assertThat(rowState("simpay", eventId)).isNull();
        audit.flush().block();
        assertThat(auditRowsWithBody(body)).containsExactly("BAD_SIGNATURE");
    }

    @Test
    void whenTheTimestampIsStaleOrTheHeaderMissingThenItAnswers400BadSignature() {
        String eventId = newId("evt");
        byte[] body = simpayBody(eventId, "FKE" + eventId.substring(4, 14), "9.90");
        postSimpay(body, SimpaySignature.header(now() - 301, body, SECRET)).expectStatus().isBadRequest()
                .expectBody().jsonPath("$.reason").isEqualTo("timestamp-out-of-tolerance");
        postSimpay(body, SimpaySignature.header(now() + 301, body, SECRET)).expectStatus().isBadRequest()
                .expectBody().jsonPath("$.reason").isEqualTo("timestamp-out-of-tolerance");
        web.post().uri("/webhooks/payments/simpay").contentType(MediaType.APPLICATION_JSON).bodyValue(body)
                .exchange().expectStatus().isBadRequest()
                .expectBody().jsonPath("$.type").isEqualTo("https://flashkey.dev/problems/bad-signature")
                .jsonPath("$.reason").isEqualTo("missing");
        postSimpay(body, "t=abc,v1=zz").expectStatus().isBadRequest()
                .expectBody().jsonPath("$.reason").isEqualTo("malformed");
        assertThat(publishedFor(eventId)).isEmpty();
    }

    @Test
    void whenASignedBodyIsNotAPaymentThenItAnswers400ValidationListingTheFields() {
        byte[] body = "{\"eventId\":\"evt_x\",\"type\":\"payment.succeeded\",\"orderNo\":\"bad order!\",\"amount\":\"9.999\",\"currency\":\"CNY\",\"transactionId\":\"tx\",\"paidAt\":\"yesterday\"}"
                .getBytes(StandardCharsets.UTF_8);
        postSimpay(body, SimpaySignature.header(now(), body, SECRET)).expectStatus().isBadRequest()
                .expectBody().jsonPath("$.type").isEqualTo("https://flashkey.dev/problems/validation")
                .jsonPath("$.errors.length()").isEqualTo(3);
    }

    @Test
    void whenTheBodyIsLargerThan64KiBThenItIsRefusedWith413() {
        byte[] body = new byte[64 * 1024 + 1];
        java.util.Arrays.fill(body, (byte) 'x');
        postSimpay(body, SimpaySignature.header(now(), body, SECRET))
                .expectStatus().isEqualTo(HttpStatus.CONTENT_TOO_LARGE)
                .expectBody().jsonPath("$.type").isEqualTo("https://flashkey.dev/problems/payload-too-large");
    }

    @Test
    void whenTheProviderIsUnknownThenItAnswers404() {
        web.post().uri("/webhooks/payments/paypal").contentType(MediaType.APPLICATION_JSON).bodyValue("{}")
                .exchange().expectStatus().isNotFound()
                .expectBody().jsonPath("$.type").isEqualTo("https://flashkey.dev/problems/not-found");
    }

    @Test
    void whenAValidEpayNotificationArrivesByGetThenItAnswersSuccessAndPublishesOnceAcrossRetries() throws Exception {
        String tradeNo = newId("T");
        Map<String, String> params = epayParams(tradeNo, "FKG" + tradeNo.substring(2, 12), "12.50", "TRADE_SUCCESS");
        String query = formEncode(params);
        for (int i = 0; i < 2; i++) {
            web.get().uri("/webhooks/payments/epay?" + query).exchange().expectStatus().isOk()
                    .expectBody(String.class).isEqualTo("success");
        }
        List<EventEnvelope<PaymentSucceeded>> events = publishedFor(tradeNo);
        assertThat(events).hasSize(1);
        assertThat(events.get(0).data().amountMinor()).isEqualTo(1250);
        assertThat(events.get(0).data().provider()).isEqualTo("epay");
        awaitRowState("epay", tradeNo, "PUBLISHED");
    }

    @Test
    void whenAValidEpayNotificationIsPostedAsAFormThenItAnswersSuccess() {
        String tradeNo = newId("T");
        Map<String, String> params = epayParams(tradeNo, "FKH" + tradeNo.substring(2, 12), "8.00", "TRADE_SUCCESS");
        params.put("name", "游戏点卡 50元"); // non-ASCII names are signed as UTF-8
        params.put("sign", EpaySignature.sign(params, EPAY_KEY));
        web.post().uri("/webhooks/payments/epay").contentType(MediaType.APPLICATION_FORM_URLENCODED)
                .bodyValue(formEncode(params)).exchange().expectStatus().isOk()
                .expectBody(String.class).isEqualTo("success");
        assertThat(publishedFor(tradeNo)).hasSize(1);
    }

    @Test
    void whenAnEpaySignIsWrongThenItAnswersFailAndPublishesNothing() {
        String tradeNo = newId("T");
        Map<String, String> params = epayParams(tradeNo, "FKI" + tradeNo.substring(2, 12), "12.50", "TRADE_SUCCESS");
        params.put("money", "0.01"); // tampered after signing
        web.get().uri("/webhooks/payments/epay?" + formEncode(params)).exchange().expectStatus().isBadRequest()
                .expectBody(String.class).isEqualTo("fail");
        assertThat(publishedFor(tradeNo)).isEmpty();
    }

    @Test
    void whenAnEpayStatusIsNotASuccessThenItIsAcknowledgedButNothingIsPublished() {
        String tradeNo = newId("T");
        Map<String, String> params = epayParams(tradeNo, "FKJ" + tradeNo.substring(2, 12), "12.50", "WAIT_BUYER_PAY");
        web.get().uri("/webhooks/payments/epay?" + formEncode(params)).exchange().expectStatus().isOk()
                .expectBody(String.class).isEqualTo("success");
        assertThat(publishedFor(tradeNo)).isEmpty();
    }

    @Test
    void whenARecordedNotificationWasNeverPublishedThenTheRelayPublishesIt() throws Exception {
        String eventId = newId("evt");
        String orderNo = "FKK" + eventId.substring(4, 14);
        // As left by a crash between the insert and the Kafka acknowledgement: RECEIVED, lease expired.
        insertUnpublished(eventId, orderNo, "UTC_TIMESTAMP(6) - INTERVAL 1 MINUTE");
        assertThat(notifications.publishUnpublished(1000).block()).isGreaterThanOrEqualTo(1L);
        awaitRowState("simpay", eventId, "PUBLISHED");
        assertThat(publishedFor(eventId)).hasSize(1);
        // A late provider retry of the same event is now a plain duplicate.
        byte[] body = simpayBody(eventId, orderNo, "9.90");
        postSimpay(body, SimpaySignature.header(now(), body, SECRET)).expectStatus().isOk();
        assertThat(publishedFor(eventId)).hasSize(1);
    }

    /**
     * The scheduler makes the relay's Mono once and subscribes to it on every pass: a lease that lapses after the Mono
     * was made must still be seen as lapsed (a publish that failed mid-outage is published once Kafka is back).
     */
    @Test
    void whenTheRelaysMonoIsSubscribedAgainLaterThenItSeesLeasesThatLapsedSinceItWasMade() throws Exception {
        Mono<Long> pass = notifications.publishUnpublished(1000);
        String eventId = newId("evt");
        String orderNo = "FKL" + eventId.substring(4, 14);
        // Leased until a moment after the Mono was made (a publish that failed and could not free its lease).
        insertUnpublished(eventId, orderNo, "UTC_TIMESTAMP(6) + INTERVAL 1 SECOND");
        Thread.sleep(1500);
        assertThat(pass.block()).isGreaterThanOrEqualTo(1L);
        awaitRowState("simpay", eventId, "PUBLISHED");
        assertThat(publishedFor(eventId)).hasSize(1);
    }

    @Test
    void whenAuditRowsAreOlderThanAuditRetentionThenRetentionDeletesThemAndKeepsRecentOnes() throws Exception {
        String old = newId("evt-old");
        String recent = newId("evt-recent");
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO webhook_attempts (provider, received_at, outcome, provider_event_id, body_bytes) "
                    + "VALUES ('simpay', UTC_TIMESTAMP(6) - INTERVAL 91 DAY, 'ACCEPTED', '" + old + "', 10), "
                    + "('simpay', UTC_TIMESTAMP(6) - INTERVAL 89 DAY, 'ACCEPTED', '" + recent + "', 10)");
        }
        assertThat(audit.purge().block(Duration.ofSeconds(30))).isEqualTo(1L);
        assertThat(auditOutcomes(old)).isEmpty();
        assertThat(auditOutcomes(recent)).containsExactly("ACCEPTED");
    }

    /** A RECEIVED row whose publish lease ends at the SQL expression {@code leaseUntil}. */
    private void insertUnpublished(String eventId, String orderNo, String leaseUntil) throws SQLException {
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO payment_notifications (provider, provider_event_id, order_no, amount_minor, "
                    + "currency, transaction_id, paid_at, received_at, state, lease_until) VALUES ('simpay', '" + eventId
                    + "', '" + orderNo + "', 990, 'CNY', 'tx1', UTC_TIMESTAMP(6), UTC_TIMESTAMP(6), 'RECEIVED', "
                    + leaseUntil + ")");
        }
    }

    private WebTestClient.ResponseSpec postSimpay(byte[] body, String header) {
        return WebhookTestSupport.postSimpay(web, body, header);
    }

    static Map<String, String> epayParams(String tradeNo, String orderNo, String money, String status) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("pid", "1001");
        params.put("trade_no", tradeNo);
        params.put("out_trade_no", orderNo);
        params.put("type", "alipay");
        params.put("name", "Steam Card");
        params.put("money", money);
        params.put("trade_status", status);
        params.put("sign", EpaySignature.sign(params, EPAY_KEY));
        params.put("sign_type", "MD5");
        return params;
    }

    static String formEncode(Map<String, String> params) {
        return params.entrySet().stream()
                .map(e -> java.net.URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + java.net.URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    private List<EventEnvelope<PaymentSucceeded>> publishedFor(String providerEventId) {
        return WebhookTestSupport.publishedWhere(topics, p -> p.providerEventId().equals(providerEventId));
    }

    private double badSignatures(String reason) {
        var counter = meters.find("flashkey.payment.webhook.bad.signature").tag("provider", "simpay")
                .tag("reason", reason).counter();
        return counter == null ? 0 : counter.count();
    }

    /** The PUBLISHED mark is written in batches shortly after the answer. */
    private void awaitRowState(String provider, String eventId, String state) throws Exception {
        WebhookTestSupport.await(eventId + " becomes " + state, Duration.ofSeconds(60), Duration.ofMillis(50),
                () -> state.equals(rowState(provider, eventId)));
    }

    private String rowState(String provider, String eventId) throws SQLException {
        return WebhookTestSupport.firstValue(db,
                "SELECT state FROM payment_notifications WHERE provider = ? AND provider_event_id = ?", provider, eventId);
    }

    private List<String> auditOutcomes(String eventId) throws SQLException {
        return query("SELECT outcome FROM webhook_attempts WHERE provider_event_id = ?", eventId);
    }

    private List<String> auditRowsWithBody(byte[] body) throws SQLException {
        return query("SELECT outcome FROM webhook_attempts WHERE body_sha256 = ?", WebhookAudit.sha256(body));
    }

    private List<String> query(String sql, String arg) throws SQLException {
        try (Connection c = db.connect(); var s = c.prepareStatement(sql)) {
            s.setString(1, arg);
            List<String> values = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    values.add(rs.getString(1));
                }
            }
            return values;
        }
    }
}
