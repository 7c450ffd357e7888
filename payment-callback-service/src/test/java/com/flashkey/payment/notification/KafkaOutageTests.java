package com.flashkey.payment.notification;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

import com.flashkey.contracts.EventEnvelope;
import com.flashkey.contracts.PaymentSucceeded;
import com.flashkey.contracts.Topics;
import com.flashkey.payment.PaymentCallbackServiceApplication;
import com.flashkey.payment.PublishedEvents;
import com.flashkey.testsupport.TestDatabase;
import com.flashkey.testsupport.TestInfrastructure;
import com.flashkey.testsupport.TestTopics;

/**
 * Kafka that cannot take a payment, two real ways: a second instance of the service whose broker address is dead,
 * and a live broker that refuses acks=all writes (min.insync.replicas above the replicas it has) until an operator
 * fixes the topic. Either way: 503 with Retry-After, the row stays RECEIVED, and the provider's retry publishes it
 * once Kafka takes writes again.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient
class KafkaOutageTests {

    static final String SECRET = "simpay-outage-secret";

    @RegisterExtension
    static TestDatabase db = TestInfrastructure.mariaDb().newDatabase("payments");

    @RegisterExtension
    static TestTopics topics = TestInfrastructure.kafka().newTopics("outage", 1, List.of(Topics.PAYMENT_SUCCEEDED));

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        db.registerR2dbcAndFlyway(registry);
        topics.registerKafka(registry);
        settings().forEach((name, value) -> registry.add(name, () -> value));
        // A refused write fails inside the producer after 6 s, before the 20 s publish timeout: the record has left
        // the producer's buffer when the 503 goes out, so nothing from the failed attempt is delivered later.
        registry.add("spring.kafka.producer.properties.request.timeout.ms", () -> "3000");
        registry.add("spring.kafka.producer.properties.delivery.timeout.ms", () -> "6000");
        registry.add("spring.kafka.producer.properties.max.block.ms", () -> "20000");
    }

    static Map<String, Object> settings() {
        Map<String, Object> settings = new HashMap<>();
        settings.put("flashkey.payment.providers.simpay.secrets", SECRET);
        settings.put("flashkey.payment.relay.enabled", "false");
        settings.put("flashkey.payment.reconciliation.enabled", "false");
        settings.put("spring.kafka.listener.auto-startup", "false");
        settings.put("flashkey.payment.db-timeout", "30s");
        settings.put("flashkey.payment.publish-timeout", "20s");
        settings.put("flashkey.payment.lease", "60s");
        settings.put("spring.r2dbc.pool.max-acquire-time", "30s");
        return settings;
    }

    @Autowired
    WebTestClient web;

    @BeforeEach
    void patientClient() {
        web = web.mutate().responseTimeout(Duration.ofSeconds(90)).build();
    }

    @Test
    void whenTheBrokerIsUnreachableThenTheWebhookAnswers503AndARetryOnceKafkaIsReachablePublishesIt()
            throws Exception {
        String eventId = "evt_" + UUID.randomUUID().toString().replace("-", "");
        byte[] body = WebhookIntegrationTests.simpayBody(eventId, "FKU" + eventId.substring(4, 14), "9.90");

        Map<String, Object> down = settings();
        down.put("server.port", "0");
        down.put("spring.r2dbc.url", db.r2dbcUrl());
        down.put("spring.r2dbc.username", db.server().user());
        down.put("spring.r2dbc.password", db.server().password());
        down.put("spring.flyway.url", db.server().jdbcUrl());
        down.put("spring.flyway.user", db.server().user());
        down.put("spring.flyway.password", db.server().password());
        down.put("spring.flyway.default-schema", db.name());
        down.put("spring.flyway.schemas", db.name());
        down.put("flashkey.kafka.topic-prefix", topics.prefix());
        down.put("spring.kafka.bootstrap-servers", "127.0.0.1:" + deadPort());
        down.put("spring.kafka.admin.auto-create", "false");
        down.put("spring.kafka.producer.properties.max.block.ms", "2000");
        try (ConfigurableApplicationContext instance = new SpringApplicationBuilder(PaymentCallbackServiceApplication.class)
                .properties(down).run()) {
            int port = instance.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
            WebTestClient cut = WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + port)
                    .responseTimeout(Duration.ofSeconds(90)).build();
            for (int i = 0; i < 2; i++) {
                expect503(deliver(cut, body));
            }
        }
        assertThat(row(eventId)).isEqualTo(Map.of("state", "RECEIVED", "published", false));
        assertThat(publishedFor(eventId)).isEmpty();

        // The provider retries against an instance whose Kafka is reachable.
        deliver(web, body).expectStatus().isOk().expectBody().json("{\"received\":true}");
        assertThat(publishedFor(eventId)).hasSize(1);
        assertThat(row(eventId)).isEqualTo(Map.of("state", "PUBLISHED", "published", true));
    }

    @Test
    void whenKafkaRefusesDurableWritesThenTheWebhookAnswers503AndWhenItTakesThemAgainTheRetrySucceeds()
            throws Exception {
        String eventId = "evt_" + UUID.randomUUID().toString().replace("-", "");
        byte[] body = WebhookIntegrationTests.simpayBody(eventId, "FKR" + eventId.substring(4, 14), "9.90");

        setMinInsyncReplicas(2); // one replica exists: every acks=all write is refused (NOT_ENOUGH_REPLICAS)
        try {
            for (int i = 0; i < 2; i++) {
                expect503(deliver(web, body));
            }
            assertThat(row(eventId)).isEqualTo(Map.of("state", "RECEIVED", "published", false));
        }
        finally {
            setMinInsyncReplicas(1);
        }

        int status = 0;
        for (int attempt = 0; attempt < 20 && status != 200; attempt++) {
            EntityExchangeResult<byte[]> result = deliver(web, body).expectBody().returnResult();
            status = result.getStatus().value();
            if (status != 200) {
                assertThat(status).isEqualTo(503); // the topic change may take a moment to reach the broker
                Thread.sleep(1000);
            }
        }
        assertThat(status).isEqualTo(200);
        List<EventEnvelope<PaymentSucceeded>> published = publishedFor(eventId);
        assertThat(published).hasSize(1);
        assertThat(row(eventId)).isEqualTo(Map.of("state", "PUBLISHED", "published", true));
    }

    private static void expect503(WebTestClient.ResponseSpec response) {
        response.expectStatus().isEqualTo(HttpStatus.SERVICE_UNAVAILABLE)
                .expectHeader().exists(HttpHeaders.RETRY_AFTER)
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.type").isEqualTo("https://flashkey.dev/problems/unavailable");
    }

    private static WebTestClient.ResponseSpec deliver(WebTestClient client, byte[] body) {
        return client.post().uri("/webhooks/payments/simpay").contentType(MediaType.APPLICATION_JSON)
                .header(SimpaySignature.HEADER, SimpaySignature.header(Instant.now().getEpochSecond(), body, SECRET))
                .bodyValue(body).exchange();
    }

    private static void setMinInsyncReplicas(int replicas) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, topics.bootstrapServers()))) {
            var topic = new ConfigResource(ConfigResource.Type.TOPIC, topics.name(Topics.PAYMENT_SUCCEEDED));
            var op = new AlterConfigOp(new ConfigEntry("min.insync.replicas", Integer.toString(replicas)),
                    AlterConfigOp.OpType.SET);
            admin.incrementalAlterConfigs(Map.of(topic, List.of(op))).all().get(30, TimeUnit.SECONDS);
        }
    }

    private static List<EventEnvelope<PaymentSucceeded>> publishedFor(String eventId) {
        return PublishedEvents.paymentsSucceeded(topics.bootstrapServers(), topics.name(Topics.PAYMENT_SUCCEEDED))
                .stream().filter(e -> e.data().providerEventId().equals(eventId)).toList();
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

    /** A port nothing listens on: bound then released. */
    private static int deadPort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
        catch (IOException ex) {
            throw new IllegalStateException(ex);
        }
    }
}
