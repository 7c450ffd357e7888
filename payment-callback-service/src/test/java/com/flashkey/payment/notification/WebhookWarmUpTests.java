package com.flashkey.payment.notification;

import static com.flashkey.payment.WebhookTestSupport.newId;
import static com.flashkey.payment.WebhookTestSupport.simpayBody;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import com.flashkey.contracts.Topics;
import com.flashkey.payment.WebhookTestSupport;
import com.flashkey.testsupport.TestDatabase;
import com.flashkey.testsupport.TestInfrastructure;
import com.flashkey.testsupport.TestTopics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The start-up warm-up, as order-service tests its own: readiness stays down until the webhook path has run (here:
 * until Kafka knows payment.succeeded, which the test creates late), the warm-up records and publishes nothing, and
 * the service is ready afterwards and records real webhooks.
 */
// The context owns this class's own database/topics/keys: closed after the class, so its consumers and loops
// do not run on, against dropped resources and in the same consumer groups, beside the next class.
@DirtiesContext
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient(timeout = "30s")
class WebhookWarmUpTests {

    static final String SECRET = "warm-up-secret";

    @RegisterExtension
    static TestDatabase db = WebhookTestSupport.newDatabase();

    /** payment.succeeded is missing at first: the broker creates no topic on demand, nor does the service here. */
    @RegisterExtension
    static TestTopics topics = TestInfrastructure.kafka().newTopics("paywarm", 1, List.of(Topics.ORDER_PLACED));

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        db.registerR2dbcAndFlyway(registry);
        topics.registerKafka(registry);
        registry.add("spring.kafka.admin.auto-create", () -> "false");
        // Short metadata waits, so the warm-up asks again soon once the topic exists.
        registry.add("spring.kafka.producer.properties.max.block.ms", () -> "1000");
        registry.add("spring.kafka.producer.properties.metadata.max.age.ms", () -> "1000");
        registry.add("flashkey.payment.providers.simpay.secrets", () -> SECRET);
        registry.add("flashkey.payment.relay.enabled", () -> "false");
        registry.add("flashkey.payment.reconciliation.enabled", () -> "false");
        registry.add("flashkey.payment.warm-up.enabled", () -> "true");
        registry.add("flashkey.payment.warm-up.requests", () -> "200");
        registry.add("flashkey.payment.warm-up.concurrency", () -> "8");
        registry.add("flashkey.payment.warm-up.max-duration", () -> "3m");
    }

    @Autowired
    WebTestClient web;

    @Autowired
    MeterRegistry meters;

    @Autowired
    WebhookWarmUp warmUp;

    @Test
    void whenStartedColdThenReadinessWaitsForTheWarmUpWhichRecordsAndPublishesNothing() throws Exception {
        // Started, live, but not ready while Kafka cannot take payment.succeeded.
        web.get().uri("/actuator/health/liveness").exchange().expectStatus().isOk();
        long notReadyUntil = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        while (System.nanoTime() < notReadyUntil) {
            assertThat(ready()).as("ready before the warm-up ran").isFalse();
            Thread.sleep(100);
        }
        assertThat(ignoredWebhooks()).isZero();

        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, topics.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topics.name(Topics.PAYMENT_SUCCEEDED), 1, (short) 1))).all()
                    .get(30, TimeUnit.SECONDS);
        }

        WebhookTestSupport.await("ready after the warm-up", Duration.ofSeconds(120), Duration.ofMillis(100), this::ready);
        assertThat(warmUp.done()).isTrue();
        // Every warm-up round went through the real endpoint: verified, read, audited as IGNORED.
        assertThat(ignoredWebhooks()).isGreaterThanOrEqualTo(200);
        assertThat(WebhookTestSupport.firstValue(db, "SELECT COUNT(*) FROM payment_notifications")).isEqualTo("0");
        assertThat(WebhookTestSupport.publishedWhere(topics, p -> true)).isEmpty();

        // Ready, and it records and publishes real payments.
        String eventId = newId("evt");
        byte[] body = simpayBody(eventId, "FKW" + eventId.substring(4, 14), "9.90");
        WebhookTestSupport.postSignedSimpay(web, body, SECRET).expectStatus().isOk()
                .expectBody().json("{\"received\":true}");
        assertThat(WebhookTestSupport.publishedWhere(topics, p -> p.providerEventId().equals(eventId))).hasSize(1);
        assertThat(WebhookTestSupport.firstValue(db, "SELECT COUNT(*) FROM payment_notifications")).isEqualTo("1");
    }

    private boolean ready() {
        return web.get().uri("/actuator/health/readiness").exchange().returnResult(String.class).getStatus()
                .is2xxSuccessful();
    }

    private double ignoredWebhooks() {
        Counter counter = meters.find("flashkey.payment.webhooks").tag("provider", "simpay").tag("outcome", "IGNORED")
                .counter();
        return counter == null ? 0 : counter.count();
    }
}
