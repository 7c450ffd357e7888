package com.flashkey.payment.notification;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
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
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

import com.flashkey.contracts.EventEnvelope;
import com.flashkey.contracts.PaymentSucceeded;
import com.flashkey.contracts.Topics;
import com.flashkey.payment.PaymentCallbackServiceApplication;
import com.flashkey.payment.WebhookTestSupport;
import com.flashkey.testsupport.TestDatabase;
import com.flashkey.testsupport.TestInfrastructure;
import com.flashkey.testsupport.TestTopics;

/**
 * Kafka or the database unable to take a payment, for real: a second instance of the service whose broker (or
 * database) address is dead, and a live broker that lost the payment.succeeded topic until an operator recreates
 * it. Either way: 503 with Retry-After, the row (if written) stays RECEIVED, and the provider's retry publishes it
 * once Kafka takes writes again, in the second case without restarting the service.
 */
// The context owns this class's own database/topics/keys: closed after the class, so its consumers and loops
// do not run on, against dropped resources and in the same consumer groups, beside the next class.
@DirtiesContext
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
        // A send to a missing topic fails after 3 s of waiting for its metadata, before the 20 s publish timeout,
        // and never enters the producer's buffer: nothing from a failed attempt is delivered later.
        registry.add("spring.kafka.producer.properties.max.block.ms", () -> "3000");
        registry.add("spring.kafka.producer.properties.metadata.max.age.ms", () -> "1000");
    }

    static Map<String, Object> settings() {
        Map<String, Object> settings = new HashMap<>();
        settings.put("flashkey.payment.providers.simpay.secrets", SECRET);
        settings.put("flashkey.payment.relay.enabled", "false");
        settings.put("flashkey.payment.reconciliation.enabled", "false");
        settings.put("flashkey.payment.warm-up.enabled", "false");
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
        String eventId = WebhookTestSupport.newId("evt");
        byte[] body = WebhookTestSupport.simpayBody(eventId, "FKU" + eventId.substring(4, 14), "9.90");

        Map<String, Object> down = settings();
        down.put("server.port", "0");
        down.put("spring.r2dbc.url", db.r2dbcUrl());
        down.put("spring.r2dbc.username", db.server().user());
        down.put("spring.r2dbc.password", db.server().password());
        down.put("spring.flyway.enabled", "false"); // the test's own context migrated this database already
        down.put("flashkey.kafka.topic-prefix", topics.prefix());
        down.put("spring.kafka.bootstrap-servers", "127.0.0.1:" + deadPort());
        down.put("spring.kafka.admin.auto-create", "false");
        down.put("spring.kafka.producer.properties.max.block.ms", "2000");
        try (ConfigurableApplicationContext instance = start(down)) {
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
        awaitPublished(eventId);
    }

    @Test
    void whenTheDatabaseIsUnreachableThenTheWebhookAnswers503AndPublishesNothing() {
        String eventId = WebhookTestSupport.newId("evt");
        byte[] body = WebhookTestSupport.simpayBody(eventId, "FKD" + eventId.substring(4, 14), "9.90");
        Map<String, Object> noDatabase = settings();
        noDatabase.put("server.port", "0");
        noDatabase.put("spring.r2dbc.url", "r2dbc:mysql://127.0.0.1:" + deadPort() + "/payments?connectionTimeZone=UTC");
        noDatabase.put("spring.flyway.enabled", "false");
        noDatabase.put("flashkey.payment.db-timeout", "5s");
        noDatabase.put("spring.kafka.bootstrap-servers", topics.bootstrapServers());
        noDatabase.put("flashkey.kafka.topic-prefix", topics.prefix());
        noDatabase.put("spring.kafka.admin.auto-create", "false");
        try (ConfigurableApplicationContext instance = start(noDatabase)) {
            int port = instance.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
            WebTestClient cut = WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + port)
                    .responseTimeout(Duration.ofSeconds(90)).build();
            expect503(deliver(cut, body));
        }
        assertThat(publishedFor(eventId)).isEmpty();
    }

    @Test
    void whenThePaymentTopicIsGoneThenTheWebhookAnswers503AndWhenItIsBackTheRetrySucceedsWithoutRestart()
            throws Exception {
        String eventId = WebhookTestSupport.newId("evt");
        byte[] body = WebhookTestSupport.simpayBody(eventId, "FKT" + eventId.substring(4, 14), "9.90");
        String topic = topics.name(Topics.PAYMENT_SUCCEEDED);

        // The broker has no payment.succeeded (and creates none on demand): the send waits for metadata, then fails.
        try (Admin admin = admin()) {
            admin.deleteTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
            awaitTopic(admin, topic, false);
        }
        for (int i = 0; i < 2; i++) {
            expect503(deliver(web, body));
        }
        assertThat(row(eventId)).isEqualTo(Map.of("state", "RECEIVED", "published", false));

        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
            awaitTopic(admin, topic, true);
        }
        int status = 0;
        for (int attempt = 0; attempt < 20 && status != 200; attempt++) {
            EntityExchangeResult<byte[]> result = deliver(web, body).expectBody().returnResult();
            status = result.getStatus().value();
            if (status != 200) {
                assertThat(status).isEqualTo(503); // the producer refreshes its metadata on its own schedule
                Thread.sleep(1000);
            }
        }
        assertThat(status).isEqualTo(200);
        assertThat(publishedFor(eventId)).hasSize(1);
        awaitPublished(eventId);
    }

    private static Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, topics.bootstrapServers()));
    }

    private static void awaitTopic(Admin admin, String topic, boolean present) throws Exception {
        WebhookTestSupport.await("topic " + topic + " present=" + present, Duration.ofSeconds(60), Duration.ofMillis(200),
                () -> admin.listTopics().names().get(30, TimeUnit.SECONDS).contains(topic) == present);
    }

    /** A second instance of the service; command-line arguments, as builder properties rank below application.yml. */
    private static ConfigurableApplicationContext start(Map<String, Object> settings) {
        String[] args = settings.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue())
                .toArray(String[]::new);
        return new SpringApplicationBuilder(PaymentCallbackServiceApplication.class).run(args);
    }

    private static void expect503(WebTestClient.ResponseSpec response) {
        response.expectStatus().isEqualTo(HttpStatus.SERVICE_UNAVAILABLE)
                .expectHeader().exists(HttpHeaders.RETRY_AFTER)
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.type").isEqualTo("https://flashkey.dev/problems/unavailable");
    }

    private static WebTestClient.ResponseSpec deliver(WebTestClient client, byte[] body) {
        return WebhookTestSupport.postSignedSimpay(client, body, SECRET);
    }

    private static List<EventEnvelope<PaymentSucceeded>> publishedFor(String eventId) {
        return WebhookTestSupport.publishedWhere(topics, p -> p.providerEventId().equals(eventId));
    }

    /** The PUBLISHED mark is written in batches shortly after the answer. */
    private static void awaitPublished(String eventId) throws Exception {
        WebhookTestSupport.await(eventId + " marked published", Duration.ofSeconds(60), Duration.ofMillis(50),
                () -> row(eventId).equals(Map.of("state", "PUBLISHED", "published", true)));
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
        return WebhookTestSupport.freePort();
    }
}
