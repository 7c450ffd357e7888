package com.flashkey.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;


import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/** The HTTP contract: admin auth, import, inventory counts, internal reservations, public stock, problems. */
@InventoryIntegrationTest
@AutoConfigureWebTestClient
class InventoryApiTests {

    @RegisterExtension
    static InventoryInfrastructure infra = new InventoryInfrastructure();

    static final Instant NOW = Instant.now();

    /** A catalog stand-in: SKU "LATER-1" starts tomorrow, "NOPE-1" is unknown, everything else is on sale. */
    static final DisposableServer catalog = HttpServer.create().host("127.0.0.1").port(0)
            .route(routes -> routes.get("/api/products/{sku}", (req, res) -> {
                String sku = req.param("sku");
                if ("NOPE-1".equals(sku)) {
                    return res.status(404).send();
                }
                Instant start = "LATER-1".equals(sku) ? NOW.plus(Duration.ofDays(1)) : NOW.minus(Duration.ofHours(1));
                return res.header("Content-Type", "application/json").sendString(reactor.core.publisher.Mono.just(
                        "{\"sku\":\"" + sku + "\",\"saleStartsAt\":\"" + start + "\",\"saleEndsAt\":\""
                                + NOW.plus(Duration.ofDays(2)) + "\",\"status\":\"ON_SALE\"}"));
            }))
            .bindNow();

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        infra.register(registry);
        registry.add("flashkey.inventory.catalog-url", () -> "http://127.0.0.1:" + catalog.port());
    }

    @AfterAll
    static void stopCatalog() {
        catalog.disposeNow();
    }

    @Autowired
    WebTestClient web;

    private WebTestClient.ResponseSpec importCodes(String sku, String body, MediaType type) {
        return web.post().uri("/api/admin/products/{sku}/keys", sku).headers(h -> h.setBearerAuth(AdminTokens.admin()))
                .contentType(type).bodyValue(body).exchange();
    }

    private WebTestClient.ResponseSpec reserve(String orderNo, String sku, int qty, String buyer) {
        return web.post().uri("/internal/reservations").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("orderNo", orderNo, "sku", sku, "quantity", qty, "buyer", buyer, "perBuyerLimit", 2,
                        "saleStartsAt", NOW.minus(Duration.ofHours(1)).toString(),
                        "saleEndsAt", NOW.plus(Duration.ofHours(1)).toString(),
                        "expiresAt", NOW.plus(Duration.ofMinutes(15)).toString()))
                .exchange();
    }

    @Test
    void whenStartedThenHealthProbesPrometheusAndOpenApiAnswer() {
        web.get().uri("/actuator/health/liveness").exchange().expectStatus().isOk();
        web.get().uri("/actuator/health/readiness").exchange().expectStatus().isOk();
        web.get().uri("/actuator/prometheus").exchange().expectStatus().isOk();
        web.get().uri("/v3/api-docs").exchange().expectStatus().isOk();
    }

    @Test
    void whenAdminRoutesAreCalledWithoutAValidAdminTokenThenTheyAreRefused() {
        web.get().uri("/api/admin/products/API-1/inventory").exchange().expectStatus().isUnauthorized()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.type").isEqualTo("https://flashkey.dev/problems/unauthorized");
        web.get().uri("/api/admin/products/API-1/inventory")
                .headers(h -> h.setBearerAuth(AdminTokens.token("flashkey", List.of("buyer"), AdminTokens.SECRET)))
                .exchange().expectStatus().isForbidden()
                .expectBody().jsonPath("$.type").isEqualTo("https://flashkey.dev/problems/forbidden");
        web.get().uri("/api/admin/products/API-1/inventory")
                .headers(h -> h.setBearerAuth(AdminTokens.token("someone-else", List.of("admin"), AdminTokens.SECRET)))
                .exchange().expectStatus().isUnauthorized();
        web.get().uri("/api/admin/products/API-1/inventory")
                .headers(h -> h.setBearerAuth(AdminTokens.token("flashkey", List.of("admin"),
                        "another-secret-that-is-long-enough-0123456789")))
                .exchange().expectStatus().isUnauthorized();
        web.post().uri("/api/admin/inventory/rebuild").exchange().expectStatus().isUnauthorized();
    }

    @Test
    void whenCodesAreImportedThenInventoryCountsThemAndReimportsAreDuplicates() {
        importCodes("API-1", "A-1\nA-2\n\nA-3\nA-1\n", MediaType.TEXT_PLAIN).expectStatus().isOk().expectBody()
                .jsonPath("$.imported").isEqualTo(3).jsonPath("$.duplicates").isEqualTo(1)
                .jsonPath("$.rejected[0].line").isEqualTo(3).jsonPath("$.rejected[0].reason").isEqualTo("empty");
        importCodes("API-1", "code,batch\nA-3,x\nA-4,y\n", MediaType.parseMediaType("text/csv")).expectStatus().isOk()
                .expectBody().jsonPath("$.imported").isEqualTo(1).jsonPath("$.duplicates").isEqualTo(1);
        web.get().uri("/api/admin/products/API-1/inventory").headers(h -> h.setBearerAuth(AdminTokens.admin()))
                .exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.imported").isEqualTo(4).jsonPath("$.available").isEqualTo(4)
                .jsonPath("$.reserved").isEqualTo(0).jsonPath("$.sold").isEqualTo(0).jsonPath("$.counter").isEqualTo(4);
    }

    @Test
    void whenCsvHasNoCodeColumnThenTheImportIsAValidationProblemAndNothingIsKept() {
        importCodes("API-2", "serial\n1\n", MediaType.parseMediaType("text/csv")).expectStatus().isBadRequest()
                .expectBody().jsonPath("$.type").isEqualTo("https://flashkey.dev/problems/validation");
        web.get().uri("/api/admin/products/API-2/inventory").headers(h -> h.setBearerAuth(AdminTokens.admin()))
                .exchange().expectBody().jsonPath("$.imported").isEqualTo(0);
    }

    @Test
    void whenReservingOverTheInternalApiThenEachOutcomeAndReplayIsAnswered() {
        importCodes("API-3", IntStream.rangeClosed(1, 3).mapToObj(i -> "R-" + i).collect(Collectors.joining("\n")),
                MediaType.TEXT_PLAIN).expectStatus().isOk();
        reserve("o1", "API-3", 2, "ann@example.com").expectStatus().isOk().expectBody()
                .jsonPath("$.outcome").isEqualTo("RESERVED").jsonPath("$.available").isEqualTo(1)
                .jsonPath("$.attempt").isEqualTo(1);
        reserve("o1", "API-3", 2, "ann@example.com").expectStatus().isOk().expectBody()
                .jsonPath("$.outcome").isEqualTo("RESERVED").jsonPath("$.available").isEqualTo(1);
        reserve("o2", "API-3", 1, "ANN+x@example.com").expectStatus().isOk().expectBody()
                .jsonPath("$.outcome").isEqualTo("LIMIT_EXCEEDED");
        reserve("o3", "API-3", 2, "bob@example.com").expectStatus().isOk().expectBody()
                .jsonPath("$.outcome").isEqualTo("SOLD_OUT").jsonPath("$.available").isEqualTo(1);
        web.delete().uri("/internal/reservations/o1").exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.released").isEqualTo(true);
        web.delete().uri("/internal/reservations/o1").exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.released").isEqualTo(false);
        web.delete().uri("/internal/reservations/unknown9").exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.released").isEqualTo(false);
        web.post().uri("/internal/reservations").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("orderNo", "o4", "sku", "API-3", "quantity", 1, "buyer", "c@example.com",
                        "perBuyerLimit", 1, "saleStartsAt", NOW.plus(Duration.ofHours(1)).toString(),
                        "saleEndsAt", NOW.plus(Duration.ofHours(2)).toString(),
                        "expiresAt", NOW.plus(Duration.ofMinutes(15)).toString()))
                .exchange().expectStatus().isOk().expectBody().jsonPath("$.outcome").isEqualTo("NOT_ON_SALE");
    }

    @Test
    void whenTheSkuIsBeingRebuiltOrAnAttemptIsStaleThenProblemsSay503And409() {
        importCodes("API-6", "U-1\nU-2\n", MediaType.TEXT_PLAIN).expectStatus().isOk();
        infra.redis().withCommands(r -> r.set(infra.redis().prefix() + "inv:{API-6}:rebuilding", "1"));
        reserve("o61", "API-6", 1, "u@example.com").expectStatus().isEqualTo(503)
                .expectHeader().valueEquals(HttpHeaders.RETRY_AFTER, "1")
                .expectBody().jsonPath("$.type").isEqualTo("https://flashkey.dev/problems/unavailable");
        infra.redis().withCommands(r -> r.del(infra.redis().prefix() + "inv:{API-6}:rebuilding"));

        web.post().uri("/internal/reservations").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("orderNo", "o62", "attempt", 2, "sku", "API-6", "quantity", 1, "buyer",
                        "v@example.com", "perBuyerLimit", 2, "saleStartsAt", NOW.minus(Duration.ofHours(1)).toString(),
                        "saleEndsAt", NOW.plus(Duration.ofHours(1)).toString(),
                        "expiresAt", NOW.plus(Duration.ofMinutes(15)).toString()))
                .exchange().expectStatus().isOk().expectBody().jsonPath("$.attempt").isEqualTo(2);
        reserve("o62", "API-6", 1, "v@example.com").expectStatus().isEqualTo(409).expectBody()
                .jsonPath("$.type").isEqualTo("https://flashkey.dev/problems/conflict");
    }

    @Test
    void whenAReleaseNamingTheSkuArrivesBeforeItsReserveThenTheLateReserveIsAConflictAndHoldsNothing() {
        importCodes("API-8", "T-1\nT-2\n", MediaType.TEXT_PLAIN).expectStatus().isOk();
        web.delete().uri("/internal/reservations/o81?sku=API-8").exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.released").isEqualTo(false);
        reserve("o81", "API-8", 2, "late@example.com").expectStatus().isEqualTo(409).expectBody()
                .jsonPath("$.type").isEqualTo("https://flashkey.dev/problems/conflict");
        reserve("o82", "API-8", 2, "late@example.com").expectStatus().isOk().expectBody()
                .jsonPath("$.outcome").isEqualTo("RESERVED").jsonPath("$.available").isEqualTo(0);
        web.delete().uri("/internal/reservations/o82?sku=API-8").exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.released").isEqualTo(true);
        web.delete().uri("/internal/reservations/o83?sku=bad_sku").exchange().expectStatus().isBadRequest()
                .expectBody().jsonPath("$.type").isEqualTo("https://flashkey.dev/problems/validation");
    }

    @Test
    void whenAReservationRequestIsInvalidThenTheProblemListsTheFields() {
        web.post().uri("/internal/reservations").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("orderNo", "bad no!", "sku", "api-lower", "quantity", 11, "buyer", "not-an-email",
                        "perBuyerLimit", 0))
                .exchange().expectStatus().isBadRequest()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.type").isEqualTo("https://flashkey.dev/problems/validation")
                .jsonPath("$.errors[?(@.field == 'quantity')]").exists()
                .jsonPath("$.errors[?(@.field == 'sku')]").exists()
                .jsonPath("$.errors[?(@.field == 'buyer')]").exists()
                .jsonPath("$.errors[?(@.field == 'saleStartsAt')]").exists();
    }

    @Test
    void whenStockIsReadThenTheCounterAndTheCatalogWindowAnswer() {
        importCodes("API-4", "S-1\nS-2\n", MediaType.TEXT_PLAIN).expectStatus().isOk();
        web.get().uri("/api/products/API-4/stock").exchange().expectStatus().isOk()
                .expectHeader().value(HttpHeaders.CACHE_CONTROL, v -> assertThat(v).contains("max-age=1"))
                .expectBody().jsonPath("$.sku").isEqualTo("API-4").jsonPath("$.available").isEqualTo(2)
                .jsonPath("$.status").isEqualTo("ON_SALE");
        web.get().uri("/api/products/LATER-1/stock").exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.available").isEqualTo(0).jsonPath("$.status").isEqualTo("NOT_STARTED");
        web.get().uri("/api/products/NOPE-1/stock").exchange().expectStatus().isNotFound().expectBody()
                .jsonPath("$.type").isEqualTo("https://flashkey.dev/problems/not-found");
        web.get().uri("/api/products/bad sku/stock").exchange().expectStatus().isBadRequest();
    }

    @Test
    void whenRebuildIsRequestedThenCountersAreRecomputedFromTheDatabase() {
        importCodes("API-5", "B-1\nB-2\nB-3\n", MediaType.TEXT_PLAIN).expectStatus().isOk();
        reserve("o51", "API-5", 1, "d@example.com").expectStatus().isOk();
        infra.redis().withCommands(r -> r.set(infra.redis().prefix() + "inv:{API-5}:stock", "999"));
        web.post().uri("/api/admin/inventory/rebuild?sku=API-5").headers(h -> h.setBearerAuth(AdminTokens.admin()))
                .exchange().expectStatus().isAccepted().expectBody()
                .jsonPath("$.rebuilt[0].sku").isEqualTo("API-5").jsonPath("$.rebuilt[0].available").isEqualTo(2);
        assertThat((String) infra.redis().withCommands(r -> r.get(infra.redis().prefix() + "inv:{API-5}:stock"))).isEqualTo("2");
    }
}
