package com.flashkey.order;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import io.netty.channel.EventLoop;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.server.WebFilter;

import com.flashkey.contracts.Topics;
import com.flashkey.order.support.ShardDatabases;
import com.flashkey.order.support.StandIns;
import com.flashkey.order.support.TestOrderService;
import com.flashkey.testsupport.TestInfrastructure;
import com.flashkey.testsupport.TestRedisNamespace;
import com.flashkey.testsupport.TestTopics;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code POST /api/orders} as a functional endpoint: the answers the annotated endpoint gave (captured from it: each
 * validation problem, field names and messages, the unreadable bodies, the exact 409 bytes, the 202 fields in order),
 * the API docs of the route, and that every answer is written on the event loop of the request's own connection,
 * whichever thread (Lettuce, an HTTP client loop, Kafka) completed the placement.
 */
// The context owns this class's own database/topics/keys: closed after the class, so its consumers and loops
// do not run on, against dropped resources and in the same consumer groups, beside the next class.
@DirtiesContext
@ActiveProfiles("local")
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "flashkey.order.warm-up.enabled=false", "flashkey.order.topic-partitions=1",
        // No consumers: nothing here reads a topic, and the context stays cached while later classes run.
        "spring.kafka.listener.auto-startup=false",
        "flashkey.order.catalog-timeout=5s", "flashkey.order.inventory-timeout=5s", "spring.data.redis.timeout=10s" })
@AutoConfigureWebTestClient(timeout = "30s")
@Import(PlaceOrderApiTests.WritingThreads.class)
class PlaceOrderApiTests {

    private static final String ON_THE_LOOP = "the request's event loop";

    @RegisterExtension
    static ShardDatabases shards = ShardDatabases.newShards("ordersapi", 4);

    @RegisterExtension
    static TestRedisNamespace redis = TestInfrastructure.redis().newNamespace("orderapi");

    @RegisterExtension
    static TestTopics topics = TestInfrastructure.kafka().newTopics("orderapi", 1, List.of(Topics.ORDER_PLACED,
            Topics.ORDER_PAID, Topics.ORDER_EXPIRED, Topics.ORDER_CANCELLED, Topics.ORDER_REFUND_REQUIRED,
            Topics.DELIVERY_RESEND_REQUESTED));

    static final StandIns standIns = new StandIns();

    /** Idempotency-Key -> where its answer was written: {@link #ON_THE_LOOP}, or the name of the thread that did. */
    static final Map<String, String> writers = new ConcurrentHashMap<>();

    static {
        standIns.product("API-OK", "5.00", 5, 1000);
        standIns.product("API-NONE", "5.00", 5, 0);
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

    /** Records, per Idempotency-Key, whether the response body is written from its connection's event loop. */
    @TestConfiguration(proxyBeanMethods = false)
    static class WritingThreads {

        @Bean
        WebFilter recordWritingThread() {
            return (exchange, chain) -> {
                String key = exchange.getRequest().getHeaders().getFirst("Idempotency-Key");
                if (key == null || !(ServerHttpRequestDecorator
                        .getNativeRequest(exchange.getRequest()) instanceof Connection connection)) {
                    return chain.filter(exchange);
                }
                EventLoop loop = connection.channel().eventLoop();
                ServerHttpResponseDecorator response = new ServerHttpResponseDecorator(exchange.getResponse()) {
                    @Override
                    public Mono<Void> writeWith(Publisher<? extends DataBuffer> body) {
                        writers.put(key, loop.inEventLoop() ? ON_THE_LOOP : Thread.currentThread().getName());
                        return super.writeWith(body);
                    }
                };
                return chain.filter(exchange.mutate().response(response).build());
            };
        }
    }

    // ---------------------------------------------------------------- on the request's event loop

    @Test
    void whenThePlacementCompletesOnAnotherThreadThenTheAnswerIsWrittenOnTheRequestsEventLoop() {
        String accepted = key();
        place(accepted, "{\"sku\":\"API-OK\",\"quantity\":1,\"email\":\"loop@example.com\"}").expectStatus()
                .isAccepted();
        // one SET NX on Lettuce's thread, nothing else
        String overLimit = key();
        place(overLimit, "{\"sku\":\"API-OK\",\"quantity\":6,\"email\":\"loop@example.com\"}").expectStatus()
                .isEqualTo(409);
        // claim (Lettuce), reserve (HTTP client), answer (Lettuce)
        String soldOut = key();
        place(soldOut, "{\"sku\":\"API-NONE\",\"quantity\":1,\"email\":\"loop@example.com\"}").expectStatus()
                .isEqualTo(409);
        // errors: a replay with another body (Redis GET), an unknown SKU (the claim released again)
        place(accepted, "{\"sku\":\"API-OK\",\"quantity\":2,\"email\":\"loop@example.com\"}").expectStatus()
                .isEqualTo(422);
        String unknown = key();
        place(unknown, "{\"sku\":\"API-NO-SUCH\",\"quantity\":1,\"email\":\"loop@example.com\"}").expectStatus()
                .isNotFound();

        for (String key : List.of(accepted, overLimit, soldOut, unknown)) {
            assertThat(writers.get(key)).as(key).isEqualTo(ON_THE_LOOP);
        }
    }

    // ---------------------------------------------------------------- the answers of the annotated endpoint

    @Test
    void whenTheBodyBreaksRulesThenEachBrokenRuleIsListedUnderBody() {
        expectInvalid(key(), "{\"sku\":\"lower\",\"quantity\":11,\"email\":\"not-an-email\",\"phone\":\"0800-FLASH\"}",
                "body: must be a well-formed email address", "body: must match \"[A-Z0-9][A-Z0-9-]{1,39}\"",
                "body: must be an E.164 number such as +8613800000000", "body: must be less than or equal to 10");
        expectInvalid(key(), "{\"sku\":\"\",\"quantity\":0,\"email\":\"   \"}", "body: must not be blank",
                "body: must not be blank", "body: must match \"[A-Z0-9][A-Z0-9-]{1,39}\"",
                "body: must be a well-formed email address", "body: must be greater than or equal to 1");
        expectInvalid(key(), "{}", "body: must not be blank", "body: must not be blank", "body: must not be null");
        expectInvalid(key(), "{\"sku\":\"API-OK\",\"quantity\":1,\"email\":\"" + "a".repeat(250) + "@example.com\"}",
                "body: size must be between 0 and 254", "body: must be a well-formed email address");
        expectInvalid(key(), "{\"sku\":\"API-OK\",\"quantity\":1,\"email\":\"a@b\",\"phone\":\"\"}",
                "body: must be an E.164 number such as +8613800000000");
    }

    @Test
    void whenTheIdempotencyKeyBreaksRulesThenItIsListedWithTheBodysErrors() {
        String body = "{\"sku\":\"API-OK\",\"quantity\":1,\"email\":\"a@example.com\"}";
        expectInvalid("", body, "Idempotency-Key: must match \"[A-Za-z0-9_.:-]+\"",
                "Idempotency-Key: size must be between 1 and 100");
        expectInvalid("x".repeat(101), body, "Idempotency-Key: size must be between 1 and 100");
        expectInvalid("bad key!", "{\"sku\":\"lower\",\"quantity\":1,\"email\":\"a@example.com\"}",
                "Idempotency-Key: must match \"[A-Za-z0-9_.:-]+\"", "body: must match \"[A-Z0-9][A-Z0-9-]{1,39}\"");
        JsonNode twoKeys = web.post().uri("/api/orders").header("Idempotency-Key", "a", "b")
                .contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange().expectStatus().isBadRequest()
                .expectBody(JsonNode.class).returnResult().getResponseBody();
        assertThat(errors(twoKeys)).containsExactly("Idempotency-Key: must match \"[A-Za-z0-9_.:-]+\"");
    }

    @Test
    void whenTheIdempotencyKeyIsMissingThenOnlyThatIsReportedWhateverTheBody() {
        for (String body : List.of("{\"sku\":\"API-OK\",\"quantity\":1,\"email\":\"a@example.com\"}",
                "{\"sku\":\"lower\",\"quantity\":1,\"email\":\"a@example.com\"}", "{\"sku\":")) {
            JsonNode problem = web.post().uri("/api/orders").contentType(MediaType.APPLICATION_JSON).bodyValue(body)
                    .exchange().expectStatus().isBadRequest().expectHeader()
                    .contentType(MediaType.APPLICATION_PROBLEM_JSON).expectBody(JsonNode.class).returnResult()
                    .getResponseBody();
            expectValidationProblem(problem, "Idempotency-Key is required");
            assertThat(errors(problem)).containsExactly("Idempotency-Key: required");
        }
    }

    @Test
    void whenTheBodyCannotBeReadThenItIsAValidationProblemWithoutErrors() {
        for (String body : List.of("{\"sku\":\"API-OK\",\"quantity\":", "", "null", "[1]",
                "{\"sku\":\"API-OK\",\"quantity\":\"two\",\"email\":\"a@example.com\"}")) {
            JsonNode problem = place(key(), body).expectStatus().isBadRequest().expectHeader()
                    .contentType(MediaType.APPLICATION_PROBLEM_JSON).expectBody(JsonNode.class).returnResult()
                    .getResponseBody();
            expectValidationProblem(problem, "the request could not be read");
            assertThat(problem.has("errors")).as(body).isFalse();
        }
    }

    @Test
    void whenTheBodyIsNotJsonThenItIs415() {
        // The annotated endpoint answered these with a logged 500 (UnsupportedMediaTypeStatusException reached the
        // advice's catch-all); a 415 problem as inventory-service gives is what the client needs.
        String body = "{\"sku\":\"API-OK\",\"quantity\":1,\"email\":\"a@example.com\"}";
        web.post().uri("/api/orders").header("Idempotency-Key", key()).contentType(MediaType.TEXT_PLAIN)
                .bodyValue(body).exchange().expectStatus().isEqualTo(415).expectHeader()
                .contentType(MediaType.APPLICATION_PROBLEM_JSON).expectBody()
                .jsonPath("$.type").isEqualTo("https://flashkey.dev/problems/validation")
                .jsonPath("$.errors[0].field").isEqualTo("Content-Type");
        web.post().uri("/api/orders").header("Idempotency-Key", key()).bodyValue(body.getBytes()).exchange()
                .expectStatus().isEqualTo(415);
        // JSON with a charset or a +json subtype is read as before
        web.post().uri("/api/orders").header("Idempotency-Key", key()).header("Content-Type", "application/*+json")
                .bodyValue(body).exchange().expectStatus().isAccepted();
        web.post().uri("/api/orders").header("Idempotency-Key", key())
                .header("Content-Type", "application/json;charset=UTF-8").bodyValue(body).exchange().expectStatus()
                .isAccepted();
    }

    @Test
    void whenARefusalIsAnsweredThenItsBytesAreThoseTheAnnotatedEndpointWrote() {
        EntityExchangeResult<String> refused = place(key(),
                "{\"sku\":\"API-OK\",\"quantity\":6,\"email\":\"a@example.com\",\"extra\":1}").expectStatus()
                .isEqualTo(409).expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody(String.class).returnResult();
        String expected = "{\"detail\":\"at most 5 of API-OK per buyer\",\"instance\":\"/api/orders\",\"status\":409,"
                + "\"title\":\"Conflict\",\"type\":\"https://flashkey.dev/problems/limit-exceeded\"}";
        assertThat(refused.getResponseBody()).isEqualTo(expected);
        assertThat(refused.getResponseHeaders().getContentLength()).isEqualTo(expected.length());
    }

    @Test
    void whenAnOrderIsAcceptedThenItsFieldsComeInTheirOrderWhateverTheAcceptHeader() {
        // Accept: text/html made the annotated endpoint's 202 a logged 500 (406 from content negotiation).
        EntityExchangeResult<JsonNode> accepted = web.post().uri("/api/orders").header("Idempotency-Key", key())
                .contentType(MediaType.APPLICATION_JSON).accept(MediaType.TEXT_HTML)
                .bodyValue("{\"sku\":\"API-OK\",\"quantity\":2,\"email\":\"a@example.com\",\"phone\":\"+8613800000000\"}")
                .exchange().expectStatus().isAccepted().expectHeader().contentType(MediaType.APPLICATION_JSON)
                .expectBody(JsonNode.class).returnResult();
        JsonNode order = accepted.getResponseBody();
        assertThat(order.propertyNames()).containsExactly("orderNo", "status", "sku", "quantity", "amount", "currency",
                "expiresAt", "payment");
        assertThat(order.get("payment").propertyNames()).containsExactly("provider", "url");
        assertThat(order.get("amount").asString()).isEqualTo("10.00");
        assertThat(order.get("status").asString()).isEqualTo("PENDING_PAYMENT");
        // as the codecs wrote it: ISO-8601 in UTC, not a number
        assertThat(order.get("expiresAt").asString()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z");
        assertThat(order.get("payment").get("url").asString()).endsWith("?orderNo=" + order.get("orderNo").asString());
        assertThat(accepted.getResponseHeaders().getContentLength()).isPositive();
    }

    @Test
    void whenTheApiDocsAreReadThenThePlacementRouteIsDocumented() {
        web.get().uri("/v3/api-docs").exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.paths['/api/orders'].post.operationId").isEqualTo("placeOrder")
                .jsonPath("$.paths['/api/orders'].post.tags[0]").isEqualTo("orders")
                .jsonPath("$.paths['/api/orders'].post.parameters[0].name").isEqualTo("Idempotency-Key")
                .jsonPath("$.paths['/api/orders'].post.parameters[0].required").isEqualTo(true)
                .jsonPath("$.paths['/api/orders'].post.requestBody.content['application/json'].schema").exists()
                .jsonPath("$.paths['/api/orders'].post.responses['202']").exists()
                .jsonPath("$.paths['/api/orders'].post.responses['409']").exists()
                .jsonPath("$.paths['/api/orders/{orderNo}'].get").exists();
    }

    // ---------------------------------------------------------------- helpers

    private static String key() {
        return "api-" + UUID.randomUUID();
    }

    private WebTestClient.ResponseSpec place(String key, String body) {
        return web.post().uri("/api/orders").header("Idempotency-Key", key).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body).exchange();
    }

    private void expectInvalid(String key, String body, String... errors) {
        JsonNode problem = place(key, body).expectStatus().isBadRequest().expectHeader()
                .contentType(MediaType.APPLICATION_PROBLEM_JSON).expectBody(JsonNode.class).returnResult()
                .getResponseBody();
        expectValidationProblem(problem, "the request is invalid");
        // The annotated endpoint listed them in Hibernate Validator's (hash) order: the order is no contract.
        assertThat(errors(problem)).as(body).containsExactlyInAnyOrder(errors);
    }

    private static void expectValidationProblem(JsonNode problem, String detail) {
        assertThat(problem.get("type").asString()).isEqualTo("https://flashkey.dev/problems/validation");
        assertThat(problem.get("title").asString()).isEqualTo("Bad Request");
        assertThat(problem.get("status").asInt()).isEqualTo(400);
        assertThat(problem.get("detail").asString()).isEqualTo(detail);
        assertThat(problem.get("instance").asString()).isEqualTo("/api/orders");
    }

    private static List<String> errors(JsonNode problem) {
        List<String> errors = new ArrayList<>();
        for (JsonNode error : problem.get("errors")) {
            assertThat(error.propertyNames()).containsExactlyInAnyOrder("field", "message");
            errors.add(error.get("field").asString() + ": " + error.get("message").asString());
        }
        return errors;
    }
}
