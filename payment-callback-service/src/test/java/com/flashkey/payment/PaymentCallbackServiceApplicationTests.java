package com.flashkey.payment;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.MediaType;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import com.flashkey.contracts.Topics;
import com.flashkey.testsupport.TestDatabase;
import com.flashkey.testsupport.TestInfrastructure;
import com.flashkey.testsupport.TestTopics;

// The context owns this class's own database/topics/keys: closed after the class, so its consumers and loops
// do not run on, against dropped resources and in the same consumer groups, beside the next class.
@DirtiesContext
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient
class PaymentCallbackServiceApplicationTests {

    @RegisterExtension
    static TestDatabase db = TestInfrastructure.mariaDb().newDatabase("payments");

    @RegisterExtension
    static TestTopics topics = TestInfrastructure.kafka().newTopics("payments", 1, List.of(Topics.PAYMENT_SUCCEEDED));

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        db.registerR2dbcAndFlyway(registry);
        topics.registerKafka(registry);
        // Readiness is asked at once here; the warm-up that gates it has its own test (WebhookWarmUpTests).
        registry.add("flashkey.payment.warm-up.enabled", () -> "false");
        // Not the local profile: its own secret and a query URL (StartupCheck refuses to start without them).
        registry.add("flashkey.payment.providers.simpay.secrets", () -> "simpay-app-test-secret");
        registry.add("flashkey.payment.reconciliation.query-url", () -> "http://127.0.0.1:9/payments");
        registry.add("flashkey.payment.reconciliation.interval", () -> "1h");
    }

    @Autowired
    WebTestClient web;

    @Test
    void whenStartedThenHealthProbesAndOpenApiAnswer() {
        web.get().uri("/actuator/health/liveness").exchange().expectStatus().isOk();
        web.get().uri("/actuator/health/readiness").exchange().expectStatus().isOk();
        web.get().uri("/actuator/prometheus").exchange().expectStatus().isOk();
        web.get().uri("/v3/api-docs").exchange().expectStatus().isOk();
    }

    // Spring's own refusals keep their 4xx status as problem+json with a stable type (they had type about:blank).

    @Test
    void whenAnotherMethodIsUsedOnAKnownPathThenItIs405() {
        expectProblem(web.delete().uri("/actuator/health").exchange(), 405, "not-found");
    }

    @Test
    void whenOnlyXmlIsAcceptableThenItIs406AsProblemJson() {
        expectProblem(web.get().uri("/actuator/health").accept(MediaType.APPLICATION_XML).exchange(), 406,
                "validation");
    }

    @Test
    void whenThePathIsUnknownThenItIs404() {
        expectProblem(web.get().uri("/api/nothing-here").exchange(), 404, "not-found");
        expectProblem(web.post().uri("/webhooks/nothing-here").contentType(MediaType.APPLICATION_JSON).bodyValue("{}")
                .exchange(), 404, "not-found");
    }

    private static void expectProblem(WebTestClient.ResponseSpec response, int status, String code) {
        response.expectStatus().isEqualTo(status).expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
        response.expectBody().jsonPath("$.type").isEqualTo("https://flashkey.dev/problems/" + code)
                .jsonPath("$.status").isEqualTo(status);
    }
}
