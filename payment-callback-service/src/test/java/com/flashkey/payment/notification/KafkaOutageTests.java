package com.flashkey.payment.notification;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

import com.flashkey.contracts.EventEnvelope;
import com.flashkey.contracts.PaymentSucceeded;
import com.flashkey.contracts.Topics;
import com.flashkey.payment.PublishedEvents;
import com.flashkey.testsupport.TestDatabase;
import com.flashkey.testsupport.TestInfrastructure;

/**
 * Kafka really down, then really back: the service starts against a port where no broker listens yet (its own
 * broker, not the shared one), a dedicated in-JVM KRaft broker is then started on exactly that port.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient
class KafkaOutageTests {

    static final String SECRET = "simpay-outage-secret";
    static final int KAFKA_PORT = freePort();
    static final String PREFIX = "t-outage-" + UUID.randomUUID().toString().substring(0, 8) + ".";
    static EmbeddedKafkaKraftBroker broker;

    @RegisterExtension
    static TestDatabase db = TestInfrastructure.mariaDb().newDatabase("payments");

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        db.registerR2dbcAndFlyway(registry);
        registry.add("spring.kafka.bootstrap-servers", () -> "127.0.0.1:" + KAFKA_PORT);
        registry.add("flashkey.kafka.topic-prefix", () -> PREFIX);
        registry.add("spring.kafka.admin.auto-create", () -> "false");
        registry.add("spring.kafka.listener.auto-startup", () -> "false");
        registry.add("flashkey.payment.providers.simpay.secrets", () -> SECRET);
        registry.add("flashkey.payment.relay.enabled", () -> "false");
        registry.add("flashkey.payment.reconciliation.enabled", () -> "false");
        registry.add("flashkey.payment.db-timeout", () -> "30s");
        registry.add("flashkey.payment.publish-timeout", () -> "20s");
        registry.add("flashkey.payment.lease", () -> "60s");
        registry.add("spring.r2dbc.pool.max-acquire-time", () -> "30s");
        // A dead broker fails a send after 2 s of waiting for metadata; the record never enters the buffer.
        registry.add("spring.kafka.producer.properties.max.block.ms", () -> "2000");
        registry.add("spring.kafka.producer.properties.reconnect.backoff.max.ms", () -> "500");
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.destroy();
        }
    }

    @Autowired
    WebTestClient web;

    @Test
    void whenKafkaIsDownThenTheWebhookAnswers503AndNothingIsPublishedAndWhenItIsBackTheProviderRetrySucceeds()
            throws Exception {
        WebTestClient client = web.mutate().responseTimeout(Duration.ofSeconds(90)).build();
        String eventId = "evt_" + UUID.randomUUID().toString().replace("-", "");
        byte[] body = WebhookIntegrationTests.simpayBody(eventId, "FKO" + eventId.substring(4, 14), "9.90");

        // Kafka down: 503 with Retry-After, every time the provider retries; recorded, never marked published.
        for (int i = 0; i < 2; i++) {
            deliver(client, body).expectStatus().isEqualTo(HttpStatus.SERVICE_UNAVAILABLE)
                    .expectHeader().exists(HttpHeaders.RETRY_AFTER)
                    .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                    .expectBody().jsonPath("$.type").isEqualTo("https://flashkey.dev/problems/unavailable");
        }
        assertThat(row(eventId)).isEqualTo(Map.of("state", "RECEIVED", "published", false));

        // Kafka back on the same address.
        broker = new EmbeddedKafkaKraftBroker(1, 1, PREFIX + Topics.PAYMENT_SUCCEEDED).kafkaPorts(KAFKA_PORT);
        broker.brokerProperties(Map.of("auto.create.topics.enable", "false", "offsets.topic.replication.factor", "1",
                "transaction.state.log.replication.factor", "1", "transaction.state.log.min.isr", "1"));
        broker.afterPropertiesSet();

        // The provider keeps retrying with a pause; the first retry after the producer reconnects succeeds.
        int status = 0;
        for (int attempt = 0; attempt < 40 && status != 200; attempt++) {
            EntityExchangeResult<byte[]> result = deliver(client, body).expectBody().returnResult();
            status = result.getStatus().value();
            if (status != 200) {
                assertThat(status).isEqualTo(503);
                Thread.sleep(1000);
            }
        }
        assertThat(status).isEqualTo(200);

        List<EventEnvelope<PaymentSucceeded>> published = PublishedEvents.paymentsSucceeded(broker.getBrokersAsString(),
                PREFIX + Topics.PAYMENT_SUCCEEDED);
        assertThat(published).hasSize(1);
        assertThat(published.get(0).data().providerEventId()).isEqualTo(eventId);
        assertThat(row(eventId)).isEqualTo(Map.of("state", "PUBLISHED", "published", true));
    }

    private WebTestClient.ResponseSpec deliver(WebTestClient client, byte[] body) {
        return client.post().uri("/webhooks/payments/simpay").contentType(MediaType.APPLICATION_JSON)
                .header(SimpaySignature.HEADER, SimpaySignature.header(Instant.now().getEpochSecond(), body, SECRET))
                .bodyValue(body).exchange();
    }

    private static Map<String, Object> row(String eventId) throws SQLException {
        try (Connection c = db.connect(); var s = c.prepareStatement(
                "SELECT state, published_at IS NOT NULL FROM payment_notifications WHERE provider_event_id = ?")) {
            s.setString(1, eventId);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? Map.of("state", rs.getString(1), "published", rs.getBoolean(2)) : Map.of();
            }
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
        catch (IOException ex) {
            throw new IllegalStateException(ex);
        }
    }
}
