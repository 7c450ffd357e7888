package com.flashkey.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.http.MediaType;

import reactor.core.publisher.Mono;

/**
 * Breakers in the "it" profile: catalog and order open after 4 calls with at least half failed, stay open 1 s,
 * then let one trial call through; their time limiters give up after 1.5 s (catalog) and 3 s (order).
 */
class ResilienceTests extends GatewayTestBase {

    private static final String LIST = "/api/products?page=0&size=20";

    private String getList() {
        return web.get().uri(LIST).exchange().expectStatus().isOk().expectBody(String.class).returnResult()
            .getResponseBody();
    }

    @Test
    void whenCatalogFailsThenTheLastGoodListIsServedTheCircuitOpensAndLaterClosesAgain() {
        Stubs.CATALOG.answerWith(200, "{\"items\":[\"first\"]}");
        assertThat(getList()).isEqualTo("{\"items\":[\"first\"]}");

        Stubs.CATALOG.answerWith(500, "{\"boom\":true}");
        for (int i = 0; i < 4; i++) {
            web.get().uri(LIST).exchange()
                .expectStatus().isOk()
                .expectHeader().valueEquals("X-FlashKey-Degraded", "cached")
                .expectBody(String.class).isEqualTo("{\"items\":[\"first\"]}");
        }
        assertThat(breakerState("catalog")).isEqualTo(CircuitBreaker.State.OPEN);

        int callsWhileOpen = Stubs.CATALOG.hitCount();
        web.get().uri(LIST).exchange().expectStatus().isOk().expectHeader().valueEquals("X-FlashKey-Degraded", "cached");
        assertThat(Stubs.CATALOG.hitCount()).as("an open circuit does not call catalog").isEqualTo(callsWhileOpen);

        Stubs.CATALOG.answerWith(200, "{\"items\":[\"second\"]}");
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200))
            .until(() -> "{\"items\":[\"second\"]}".equals(getList()));
        assertThat(breakerState("catalog")).isEqualTo(CircuitBreaker.State.CLOSED);
    }

    @Test
    @ExtendWith(OutputCaptureExtension.class)
    void whenADownstreamFailsThenTheLogLineCarriesTheRequestId(CapturedOutput output) {
        // Request ids reach log lines through Correlation.mdc, not through automatic context propagation.
        Stubs.CATALOG.answerWith(500, "{}");
        web.get().uri("/api/products?page=9&size=1").header("X-Request-Id", "req-fallback-log-1").exchange()
            .expectStatus().isEqualTo(503);

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(output.getAll())
            .containsPattern("Downstream catalog failed[^\n]*\"request\":\\{\"id\":\"req-fallback-log-1\"\\}"));
    }

    @Test
    void whenCatalogFailsAndNothingWasCachedThenTheAnswerIs503WithRetryAfter() {
        Stubs.CATALOG.answerWith(503, "{}");
        web.get().uri("/api/products?page=7&size=3").exchange()
            .expectStatus().isEqualTo(503)
            .expectHeader().valueEquals("Retry-After", "2")
            .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
            .expectBody().jsonPath("$.type").isEqualTo("https://flashkey.dev/problems/unavailable");
    }

    @Test
    void whenCatalogIsSlowerThanItsTimeLimitThenTheLastGoodAnswerIsServed() {
        Stubs.CATALOG.answerWith(200, "{\"sku\":\"SKU-9\"}");
        web.get().uri("/api/products/SKU-9").exchange().expectStatus().isOk();

        Stubs.CATALOG.behave(hit -> Mono.just(new StubServer.Answer(200, "{\"late\":true}")).delayElement(Duration.ofSeconds(8)));
        web.get().uri("/api/products/SKU-9").exchange()
            .expectStatus().isOk()
            .expectHeader().valueEquals("X-FlashKey-Degraded", "cached")
            .expectBody(String.class).isEqualTo("{\"sku\":\"SKU-9\"}");
    }

    @Test
    void whenStockDisplayFailsThenStockIsShownAsUnknown() {
        Stubs.INVENTORY.answerWith(500, "{}");
        web.get().uri("/api/products/SKU-1/stock").exchange()
            .expectStatus().isOk()
            .expectHeader().valueEquals("X-FlashKey-Degraded", "stock-unknown")
            .expectBody()
            .jsonPath("$.sku").isEqualTo("SKU-1")
            .jsonPath("$.available").isEmpty()
            .jsonPath("$.status").isEqualTo("UNKNOWN");
    }

    @Test
    void whenOrderServiceHangsThenOrderCreationAnswers503WithRetryAfterInsteadOfWaiting() {
        Stubs.ORDER.behave(hit -> Mono.never());
        web.post().uri("/api/orders").header("X-Forwarded-For", "203.0.113.60")
            .contentType(MediaType.APPLICATION_JSON).bodyValue("{}").exchange()
            .expectStatus().isEqualTo(503)
            .expectHeader().valueEquals("Retry-After", "3")
            .expectBody().jsonPath("$.type").isEqualTo("https://flashkey.dev/problems/unavailable");
    }

    @Test
    void whenOrderServiceKeepsFailingThenTheCircuitOpensAndOrdersAre503WithoutCallingIt() {
        Stubs.ORDER.answerWith(500, "{}");
        for (int i = 0; i < 4; i++) {
            web.post().uri("/api/orders").header("X-Forwarded-For", "203.0.113." + (70 + i))
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{}").exchange()
                .expectStatus().isEqualTo(503);
        }
        assertThat(breakerState("order")).isEqualTo(CircuitBreaker.State.OPEN);
        int calls = Stubs.ORDER.hitCount();

        web.post().uri("/api/orders").header("X-Forwarded-For", "203.0.113.80")
            .contentType(MediaType.APPLICATION_JSON).bodyValue("{}").exchange()
            .expectStatus().isEqualTo(503)
            .expectHeader().exists("Retry-After")
            .expectBody().jsonPath("$.type").isEqualTo("https://flashkey.dev/problems/unavailable");
        assertThat(Stubs.ORDER.hitCount()).isEqualTo(calls);
    }

    @Test
    void whenOrderServiceAnswersABusinessErrorThenItPassesThroughAndDoesNotTripTheBreaker() {
        Stubs.ORDER.answerWith(409, "{\"type\":\"https://flashkey.dev/problems/sold-out\"}");
        for (int i = 0; i < 5; i++) {
            web.post().uri("/api/orders").header("X-Forwarded-For", "203.0.113." + (90 + i))
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{}").exchange()
                .expectStatus().isEqualTo(409)
                .expectBody().jsonPath("$.type").isEqualTo("https://flashkey.dev/problems/sold-out");
        }
        assertThat(breakerState("order")).isEqualTo(CircuitBreaker.State.CLOSED);
    }
}
