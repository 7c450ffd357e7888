package com.flashkey.payment;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.function.Predicate;

import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.web.reactive.server.WebTestClient;

import com.flashkey.contracts.EventEnvelope;
import com.flashkey.contracts.PaymentSucceeded;
import com.flashkey.contracts.Topics;
import com.flashkey.payment.notification.SimpaySignature;
import com.flashkey.testsupport.TestDatabase;
import com.flashkey.testsupport.TestInfrastructure;
import com.flashkey.testsupport.TestTopics;

/** What the service's integration tests share: signed webhooks, published events, rows and waiting for them. */
public final class WebhookTestSupport {

    private WebhookTestSupport() {
    }

    /** A database of its own for a test class. */
    public static TestDatabase newDatabase() {
        return TestInfrastructure.mariaDb().newDatabase("payments");
    }

    /** Topics of its own for a test class: the one the service publishes and the one it consumes. */
    public static TestTopics newTopics() {
        return TestInfrastructure.kafka().newTopics("payments", 3,
                List.of(Topics.PAYMENT_SUCCEEDED, Topics.ORDER_PLACED));
    }

    /** The database, the topics and patient timeouts; no start-up warm-up (it has its own test: WebhookWarmUpTests). */
    public static void registerInfrastructure(DynamicPropertyRegistry registry, TestDatabase db, TestTopics topics) {
        db.registerR2dbcAndFlyway(registry);
        topics.registerKafka(registry);
        registerPatientTimeouts(registry);
        registry.add("flashkey.payment.warm-up.enabled", () -> "false");
    }

    /**
     * This machine is shared by several engineers' builds (load average above 40 seen): generous timeouts so the
     * tests check behaviour, not the machine's speed. Production keeps 3 s / 5 s.
     */
    public static void registerPatientTimeouts(DynamicPropertyRegistry registry) {
        registry.add("flashkey.payment.db-timeout", () -> "30s");
        registry.add("flashkey.payment.publish-timeout", () -> "30s");
        registry.add("flashkey.payment.lease", () -> "90s");
        registry.add("spring.kafka.producer.properties.max.block.ms", () -> "30000");
        registry.add("spring.kafka.producer.properties.delivery.timeout.ms", () -> "30000");
    }

    public static String newId(String prefix) {
        return prefix + "_" + UUID.randomUUID().toString().replace("-", "");
    }

    public static long now() {
        return Instant.now().getEpochSecond();
    }

    public static byte[] simpayBody(String eventId, String orderNo, String amount) {
        return ("{\"eventId\":\"" + eventId + "\",\"type\":\"payment.succeeded\",\"orderNo\":\"" + orderNo
                + "\",\"amount\":\"" + amount + "\",\"currency\":\"CNY\",\"transactionId\":\"tx_" + eventId
                + "\",\"paidAt\":\"" + Instant.now() + "\"}").getBytes(StandardCharsets.UTF_8);
    }

    /** POSTs a simpay webhook with the given signature header. */
    public static WebTestClient.ResponseSpec postSimpay(WebTestClient client, byte[] body, String header) {
        return client.post().uri("/webhooks/payments/simpay").contentType(MediaType.APPLICATION_JSON)
                .header(SimpaySignature.HEADER, header).bodyValue(body).exchange();
    }

    /** POSTs a simpay webhook signed now with the secret. */
    public static WebTestClient.ResponseSpec postSignedSimpay(WebTestClient client, byte[] body, String secret) {
        return postSimpay(client, body, SimpaySignature.header(now(), body, secret));
    }

    /** The payment.succeeded events on the test's topic that match. */
    public static List<EventEnvelope<PaymentSucceeded>> publishedWhere(TestTopics topics,
            Predicate<PaymentSucceeded> filter) {
        return PublishedEvents.paymentsSucceeded(topics.bootstrapServers(), topics.name(Topics.PAYMENT_SUCCEEDED))
                .stream().filter(e -> filter.test(e.data())).toList();
    }

    /** The first column of the first row the query finds, or null when it finds none. */
    public static String firstValue(TestDatabase db, String sql, String... args) throws SQLException {
        try (Connection c = db.connect(); var s = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                s.setString(i + 1, args[i]);
            }
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    /** Polls until the condition holds; fails, described, once the time is up. */
    public static void await(String description, Duration patience, Duration pause, Callable<Boolean> condition)
            throws Exception {
        long deadline = System.nanoTime() + patience.toNanos();
        while (!condition.call()) {
            assertThat(System.nanoTime()).as(description).isLessThan(deadline);
            Thread.sleep(pause.toMillis());
        }
    }

    /** A port nothing listens on: bound then released. */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
        catch (IOException ex) {
            throw new IllegalStateException(ex);
        }
    }
}
