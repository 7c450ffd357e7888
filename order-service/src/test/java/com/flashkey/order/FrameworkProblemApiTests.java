package com.flashkey.order;

import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.HttpMethod;
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

/**
 * Spring's own refusals (wrong method, media type or Accept, no route) keep their 4xx status as problem+json with a
 * stable type, and an order number no shard can hold is a 404 like any unknown order: each was a logged 500.
 */
@DirtiesContext
@ActiveProfiles("local")
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "flashkey.order.warm-up.enabled=false", "flashkey.order.topic-partitions=1",
        "spring.kafka.listener.auto-startup=false",
        "flashkey.order.catalog-timeout=5s", "flashkey.order.inventory-timeout=5s", "spring.data.redis.timeout=10s" })
@AutoConfigureWebTestClient(timeout = "30s")
class FrameworkProblemApiTests {

    private static final String TYPE = "https://flashkey.dev/problems/";

    @RegisterExtension
    static ShardDatabases shards = ShardDatabases.newShards("ordersproblem", 4);

    @RegisterExtension
    static TestRedisNamespace redis = TestInfrastructure.redis().newNamespace("orderproblem");

    @RegisterExtension
    static TestTopics topics = TestInfrastructure.kafka().newTopics("orderproblem", 1, List.of(Topics.ORDER_PLACED,
            Topics.ORDER_PAID, Topics.ORDER_EXPIRED, Topics.ORDER_CANCELLED, Topics.ORDER_REFUND_REQUIRED,
            Topics.DELIVERY_RESEND_REQUESTED));

    static final StandIns standIns = new StandIns();

    static {
        standIns.product("PROBLEM-OK", "5.00", 5, 1000);
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
    void whenAnotherMethodIsUsedOnAnOrderPathThenItIs405WithAllow() {
        // PUT on the functional route, DELETE on an annotated one
        expectProblem(web.put().uri("/api/orders").contentType(MediaType.APPLICATION_JSON).bodyValue("{}").exchange(),
                405, "not-found").expectHeader().valueEquals("Allow", "POST");
        expectProblem(web.delete().uri("/api/orders/x").exchange(), 405, "not-found").expectHeader()
                .valueEquals("Allow", "GET");
        expectProblem(web.method(HttpMethod.PATCH).uri("/api/orders/x/cancel").exchange(), 405, "not-found");
    }

    @Test
    void whenTheBodyIsPlainTextThenItIs415() {
        expectProblem(web.post().uri("/api/orders").header("Idempotency-Key", key()).contentType(MediaType.TEXT_PLAIN)
                .bodyValue("PROBLEM-OK x1").exchange(), 415, "validation");
    }

    @Test
    void whenOnlyXmlIsAcceptableThenItIs406AsProblemJson() {
        String orderNo = web.post().uri("/api/orders").header("Idempotency-Key", key())
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"sku\":\"PROBLEM-OK\",\"quantity\":1,\"email\":\"xml@example.com\"}").exchange()
                .expectStatus().isAccepted().expectBody(JsonNode.class).returnResult().getResponseBody().get("orderNo")
                .asString();
        web.get().uri("/api/orders/{no}?email=xml@example.com", orderNo).exchange().expectStatus().isOk();
        expectProblem(web.get().uri("/api/orders/{no}?email=xml@example.com", orderNo)
                .accept(MediaType.APPLICATION_XML).exchange(), 406, "validation");
    }

    @Test
    void whenThePathIsUnknownThenItIs404() {
        expectProblem(web.get().uri("/api/nothing-here").exchange(), 404, "not-found");
        expectProblem(web.post().uri("/no/such/path").contentType(MediaType.APPLICATION_JSON).bodyValue("{}")
                .exchange(), 404, "not-found");
    }

    @Test
    void whenTheOrderNumberNamesAShardBeyondTheCountThenItIs404LikeAnyUnknownOrder() {
        // well formed, shard digits ZZ = 1295 with 4 shards
        String beyond = "00000000" + "1" + "ZZ" + "0000000000001";
        for (String orderNo : List.of(beyond, "x", "0".repeat(24), "lower-case-is-no-number!")) {
            expectProblem(web.get().uri("/api/orders/{no}?email=a@example.com", orderNo).exchange(), 404, "not-found");
        }
        expectProblem(web.post().uri("/api/orders/{no}/cancel?email=a@example.com", beyond).exchange(), 404,
                "not-found");
        expectProblem(web.post().uri("/api/orders/{no}/resend?email=a@example.com", beyond).exchange(), 404,
                "not-found");
    }

    private static WebTestClient.ResponseSpec expectProblem(WebTestClient.ResponseSpec response, int status,
            String code) {
        response.expectStatus().isEqualTo(status).expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
        response.expectBody().jsonPath("$.type").isEqualTo(TYPE + code).jsonPath("$.status").isEqualTo(status);
        return response;
    }

    private static String key() {
        return "problem-" + UUID.randomUUID();
    }
}
