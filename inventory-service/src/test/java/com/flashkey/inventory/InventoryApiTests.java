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

import com.flashkey.testsupport.AdminTokens;

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
                .headers(h -> h.setBearerAuth(AdminTokens.token(AdminTokens.LOCAL_SECRET, "flashkey", List.of("buyer"), Instant.now().plus(Duration.ofMinutes(10)))))
                .exchange().expectStatus().isForbidden()
                .expectBody().jsonPath("$.type").isEqualTo("https://flashkey.dev/problems/forbidden");
        web.get().uri("/api/admin/products/API-1/inventory")
                .headers(h -> h.setBearerAuth(AdminTokens.token(AdminTokens.LOCAL_SECRET, "someone-else", List.of("admin"),
                        Instant.now().plus(Duration.ofMinutes(10)))))
                .exchange().expectStatus().isUnauthorized();
        web.get().uri("/api/admin/products/API-1/inventory")
                .headers(h -> h.setBearerAuth(AdminTokens.token("another-secret-that-is-long-enough-0123456789", "flashkey",
                        List.of("admin"), Instant.now().plus(Duration.ofMinutes(10)))))
                .exchange().expectStatus().isUnauthorized();
        web.post().uri("/api/admin/inventory/rebuild").exchange().expectStatus().isUnauthorized();
    }

    @Test
    void whenTheAdminTokenHasNoExpiryOrNoIssuedAtThenItIs401() {
        expectUnauthorized(AdminTokens.admin(claims -> claims.remove("exp")));
        expectUnauthorized(AdminTokens.admin(claims -> claims.remove("iat")));
    }

    @Test
    void whenTheAdminTokenLivesLongerThanTheCapThenItIs401() {
        Instant now = Instant.now();
        expectUnauthorized(AdminTokens.admin(claims -> {
            claims.put("iat", now);
            claims.put("exp", now.plus(AdminTokens.MAX_LIFETIME).plusSeconds(1));
        }));
        // Issued "in the future": exp - iat under the cap, yet the token would outlive it.
        expectUnauthorized(AdminTokens.admin(claims -> {
            claims.put("iat", now.plus(Duration.ofDays(30)));
            claims.put("exp", now.plus(Duration.ofDays(30)).plusSeconds(60));
        }));
    }

    @Test
    void whenTheAdminTokenHasAWrongOrNoAudienceThenItIs401() {
        expectUnauthorized(AdminTokens.admin(claims -> claims.put("aud", List.of("flashkey-storefront"))));
        expectUnauthorized(AdminTokens.admin(claims -> claims.remove("aud")));
    }

    @Test
    void whenTheAdminTokenLivesExactlyTheCapAndListsTheAudienceThenItIsAccepted() {
        Instant now = Instant.now();
        String token = AdminTokens.admin(claims -> {
            claims.put("iat", now);
            claims.put("exp", now.plus(AdminTokens.MAX_LIFETIME));
            claims.put("aud", List.of("flashkey-storefront", AdminTokens.AUDIENCE));
        });
        web.get().uri("/api/admin/products/API-CAP/inventory").headers(h -> h.setBearerAuth(token)).exchange()
                .expectStatus().isOk();
    }

    private void expectUnauthorized(String token) {
        web.get().uri("/api/admin/products/API-1/inventory").headers(h -> h.setBearerAuth(token)).exchange()
                .expectStatus().isUnauthorized()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.type").isEqualTo("https://flashkey.dev/problems/unauthorized");
        web.post().uri("/api/admin/inventory/rebuild").headers(h -> h.setBearerAuth(token)).exchange()
                .expectStatus().isUnauthorized();
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

    private static Map<String, Object> element(String orderNo, String sku, int qty, String buyer, int limit) {
        return Map.of("orderNo", orderNo, "sku", sku, "quantity", qty, "buyer", buyer, "perBuyerLimit", limit,
                "saleStartsAt", NOW.minus(Duration.ofHours(1)).toString(),
                "saleEndsAt", NOW.plus(Duration.ofHours(1)).toString(),
                "expiresAt", NOW.plus(Duration.ofMinutes(15)).toString());
    }

    private WebTestClient.ResponseSpec reserveBatch(List<Map<String, Object>> elements) {
        return web.post().uri("/internal/reservations:batch").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("reservations", elements)).exchange();
    }

    @Test
    void whenABatchMixesSkusThenEachReservationIsDecidedInOrderWithSoldOutAndLimitsWithinTheBatch() {
        importCodes("BAT-1", "B1-1\nB1-2\nB1-3\n", MediaType.TEXT_PLAIN).expectStatus().isOk();
        importCodes("BAT-2", "B2-1\nB2-2\n", MediaType.TEXT_PLAIN).expectStatus().isOk();
        reserveBatch(List.of(
                element("b1", "BAT-1", 2, "ann@example.com", 2),
                element("b2", "BAT-2", 1, "ann@example.com", 2),
                // over ann's limit of BAT-1 because of b1 earlier in the same batch
                element("b3", "BAT-1", 1, "Ann+x@example.com", 2),
                element("b4", "BAT-1", 1, "bob@example.com", 2),
                // BAT-1 is empty now: sold out within the batch
                element("b5", "BAT-1", 1, "cid@example.com", 2),
                // the same order twice in one batch: the second is a replay of the first
                element("b2", "BAT-2", 1, "ann@example.com", 2),
                element("b6", "BAT-2", 2, "dan@example.com", 2)))
                .expectStatus().isOk().expectBody()
                .jsonPath("$.results.length()").isEqualTo(7)
                .jsonPath("$.results[0].orderNo").isEqualTo("b1")
                .jsonPath("$.results[0].outcome").isEqualTo("RESERVED")
                .jsonPath("$.results[0].available").isEqualTo(1)
                .jsonPath("$.results[1].outcome").isEqualTo("RESERVED")
                .jsonPath("$.results[2].outcome").isEqualTo("LIMIT_EXCEEDED")
                .jsonPath("$.results[3].outcome").isEqualTo("RESERVED")
                .jsonPath("$.results[3].available").isEqualTo(0)
                .jsonPath("$.results[4].outcome").isEqualTo("SOLD_OUT")
                .jsonPath("$.results[5].orderNo").isEqualTo("b2")
                .jsonPath("$.results[5].outcome").isEqualTo("RESERVED")
                .jsonPath("$.results[5].available").isEqualTo(1)
                .jsonPath("$.results[6].outcome").isEqualTo("SOLD_OUT")
                .jsonPath("$.results[0].error").doesNotExist();
        web.get().uri("/api/admin/products/BAT-1/inventory").headers(h -> h.setBearerAuth(AdminTokens.admin()))
                .exchange().expectBody().jsonPath("$.counter").isEqualTo(0).jsonPath("$.reserved").isEqualTo(3);
        web.get().uri("/api/admin/products/BAT-2/inventory").headers(h -> h.setBearerAuth(AdminTokens.admin()))
                .exchange().expectBody().jsonPath("$.counter").isEqualTo(1).jsonPath("$.reserved").isEqualTo(1);
    }

    @Test
    void whenABatchElementIsReplayedThenItGetsItsFirstAnswerAndNothingMovesAgain() {
        importCodes("BAT-3", "B3-1\nB3-2\n", MediaType.TEXT_PLAIN).expectStatus().isOk();
        reserveBatch(List.of(element("r1", "BAT-3", 1, "eve@example.com", 1),
                element("r2", "BAT-3", 1, "fay@example.com", 1)))
                .expectStatus().isOk().expectBody().jsonPath("$.results[1].available").isEqualTo(0);
        // Replayed in another batch, and over the single reserve: the first answer, no stock moves.
        reserveBatch(List.of(element("r2", "BAT-3", 1, "fay@example.com", 1),
                element("r3", "BAT-3", 1, "gus@example.com", 1)))
                .expectStatus().isOk().expectBody()
                .jsonPath("$.results[0].outcome").isEqualTo("RESERVED")
                .jsonPath("$.results[0].available").isEqualTo(0)
                .jsonPath("$.results[1].outcome").isEqualTo("SOLD_OUT");
        web.post().uri("/internal/reservations").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(element("r1", "BAT-3", 1, "eve@example.com", 1)).exchange()
                .expectStatus().isOk().expectBody().jsonPath("$.outcome").isEqualTo("RESERVED")
                .jsonPath("$.available").isEqualTo(1);
        web.get().uri("/api/admin/products/BAT-3/inventory").headers(h -> h.setBearerAuth(AdminTokens.admin()))
                .exchange().expectBody().jsonPath("$.counter").isEqualTo(0).jsonPath("$.reserved").isEqualTo(2);
    }

    @Test
    void whenOneBatchElementIsInvalidConflictingOrUnavailableThenOnlyItFails() {
        importCodes("BAT-4", "B4-1\nB4-2\n", MediaType.TEXT_PLAIN).expectStatus().isOk();
        importCodes("BAT-5", "B5-1\n", MediaType.TEXT_PLAIN).expectStatus().isOk();
        web.delete().uri("/internal/reservations/t1?sku=BAT-4").exchange().expectStatus().isOk();
        infra.redis().withCommands(r -> r.set(infra.redis().prefix() + "inv:{BAT-5}:rebuilding", "1"));
        try {
            reserveBatch(List.of(element("v1", "BAT-4", 11, "not-an-email", 2),
                    element("t1", "BAT-4", 1, "hal@example.com", 2),
                    element("v2", "BAT-5", 1, "ian@example.com", 2),
                    element("v3", "BAT-4", 1, "jo@example.com", 2)))
                    .expectStatus().isOk().expectBody()
                    .jsonPath("$.results[0].orderNo").isEqualTo("v1")
                    .jsonPath("$.results[0].error").isEqualTo("validation")
                    .jsonPath("$.results[0].detail").value(d -> assertThat((String) d).contains("buyer", "quantity"))
                    .jsonPath("$.results[0].outcome").doesNotExist()
                    // released before it arrived (tombstone): what the single reserve answers 409
                    .jsonPath("$.results[1].error").isEqualTo("conflict")
                    .jsonPath("$.results[2].error").isEqualTo("unavailable")
                    .jsonPath("$.results[3].outcome").isEqualTo("RESERVED")
                    .jsonPath("$.results[3].available").isEqualTo(1);
        }
        finally {
            infra.redis().withCommands(r -> r.del(infra.redis().prefix() + "inv:{BAT-5}:rebuilding"));
        }
        reserveBatch(List.of()).expectStatus().isBadRequest().expectBody()
                .jsonPath("$.type").isEqualTo("https://flashkey.dev/problems/validation");
    }

    @Test
    void whenPublicAndInternalPathsCarryAForgedTokenThenTheyStillAnswerBecauseOnlyAdminPathsEnterTheSecurityChain() {
        importCodes("API-9", "P-1\n", MediaType.TEXT_PLAIN).expectStatus().isOk();
        String forged = AdminTokens.token("another-secret-that-is-long-enough-0123456789", "flashkey",
                List.of("admin"), Instant.now().plus(Duration.ofMinutes(10)));
        web.get().uri("/api/products/API-9/stock").headers(h -> h.setBearerAuth(forged)).exchange()
                .expectStatus().isOk().expectBody().jsonPath("$.available").isEqualTo(1);
        web.post().uri("/internal/reservations").headers(h -> h.setBearerAuth(forged))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(element("s1", "API-9", 1, "kim@example.com", 1))
                .exchange().expectStatus().isOk().expectBody().jsonPath("$.outcome").isEqualTo("RESERVED");
        web.get().uri("/actuator/health/readiness").headers(h -> h.setBearerAuth(forged)).exchange()
                .expectStatus().isOk();
        // ...and the admin API still refuses it.
        web.get().uri("/api/admin/products/API-9/inventory").headers(h -> h.setBearerAuth(forged)).exchange()
                .expectStatus().isUnauthorized().expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
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

    // Spring's own refusals keep their 4xx status as problem+json with a stable type (406 and 405 had the types of
    // a 503 and of a validation failure).

    @Test
    void whenAnotherMethodIsUsedOnAKnownPathThenItIs405WithAllow() {
        expectProblem(web.get().uri("/internal/reservations").exchange(), 405, "not-found").expectHeader()
                .valueEquals(HttpHeaders.ALLOW, "POST");
        expectProblem(web.put().uri("/api/products/API-4/stock").exchange(), 405, "not-found");
    }

    @Test
    void whenTheBodyHasAnUnsupportedContentTypeThenItIs415() {
        expectProblem(web.post().uri("/internal/reservations").contentType(MediaType.TEXT_PLAIN).bodyValue("o1 API-1")
                .exchange(), 415, "validation");
        expectProblem(importCodes("API-10", "{\"code\":\"J-1\"}", MediaType.APPLICATION_JSON), 415, "validation");
    }

    @Test
    void whenOnlyXmlIsAcceptableThenItIs406AsProblemJson() {
        expectProblem(web.get().uri("/api/products/API-11/stock").accept(MediaType.APPLICATION_XML).exchange(), 406,
                "validation");
    }

    @Test
    void whenThePathIsUnknownThenItIs404() {
        expectProblem(web.get().uri("/api/nothing-here").exchange(), 404, "not-found");
        expectProblem(web.post().uri("/internal/nothing-here").contentType(MediaType.APPLICATION_JSON).bodyValue("{}")
                .exchange(), 404, "not-found");
    }

    private static WebTestClient.ResponseSpec expectProblem(WebTestClient.ResponseSpec response, int status,
            String code) {
        response.expectStatus().isEqualTo(status).expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
        response.expectBody().jsonPath("$.type").isEqualTo("https://flashkey.dev/problems/" + code)
                .jsonPath("$.status").isEqualTo(status);
        return response;
    }
}
