package com.flashkey.catalog.product.web;

import static com.flashkey.catalog.ProductFixtures.onSale;
import static com.flashkey.catalog.ProductFixtures.product;
import static com.flashkey.catalog.ProductFixtures.uniqueSku;
import static com.flashkey.catalog.ProductFixtures.with;
import static com.flashkey.catalog.CatalogTestSupport.adminPost;
import static com.flashkey.catalog.CatalogTestSupport.expectProblem;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import com.flashkey.catalog.CatalogTestSupport;
import com.flashkey.testsupport.AdminTokens;
import com.flashkey.testsupport.TestDatabase;
import com.flashkey.testsupport.TestRedisNamespace;

/** The HTTP contract of catalog-service against real MariaDB and Redis. */
// The context owns this class's own database/topics/keys: closed after the class, so its consumers and loops
// do not run on, against dropped resources and in the same consumer groups, beside the next class.
@DirtiesContext
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient(timeout = "60s")
@ActiveProfiles("test")
class ProductApiTests {

    @RegisterExtension
    static TestDatabase db = CatalogTestSupport.newDatabase();

    @RegisterExtension
    static TestRedisNamespace redis = CatalogTestSupport.newRedisNamespace();

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        CatalogTestSupport.register(registry, db, redis);
    }

    @Autowired
    WebTestClient web;

    @LocalServerPort
    int port;

    private WebTestClient.ResponseSpec create(Map<String, Object> body) {
        return CatalogTestSupport.create(web, body);
    }

    private WebTestClient.ResponseSpec change(String sku, Map<String, Object> body) {
        return web.put()
            .uri("/api/admin/products/{sku}", sku)
            .headers(headers -> headers.setBearerAuth(AdminTokens.admin()))
            .bodyValue(body)
            .exchange();
    }

    @Test
    void whenAdminAddsProductThen201AndTheStorefrontReadsItWithPriceAsDecimalString() {
        String sku = uniqueSku("STEAM");
        create(onSale(sku)).expectStatus()
            .isCreated()
            .expectHeader()
            .location("/api/products/" + sku)
            .expectBody()
            .jsonPath("$.sku").isEqualTo(sku)
            .jsonPath("$.price").isEqualTo("9.90")
            .jsonPath("$.status").isEqualTo("ON_SALE");

        web.get()
            .uri("/api/products/{sku}", sku)
            .exchange()
            .expectStatus()
            .isOk()
            .expectHeader()
            .cacheControl(org.springframework.http.CacheControl.maxAge(Duration.ofSeconds(5)).cachePublic())
            .expectHeader()
            .exists(HttpHeaders.ETAG)
            .expectBody()
            .jsonPath("$.sku").isEqualTo(sku)
            .jsonPath("$.name").isEqualTo("Steam card " + sku)
            .jsonPath("$.description").isEqualTo("A 100 CNY gift card")
            .jsonPath("$.price").isEqualTo("9.90")
            .jsonPath("$.currency").isEqualTo("CNY")
            .jsonPath("$.perBuyerLimit").isEqualTo(2)
            .jsonPath("$.status").isEqualTo("ON_SALE")
            .jsonPath("$.saleStartsAt").isEqualTo(onSaleField(sku, "saleStartsAt"));
    }

    private String onSaleField(String sku, String field) {
        return web.get().uri("/api/products/{sku}", sku).exchange().expectBody(Map.class).returnResult()
            .getResponseBody().get(field).toString();
    }

    @Test
    void whenSaleWindowAndActiveFlagDifferThenStatusFollowsThem() {
        Instant now = Instant.now();
        String upcoming = uniqueSku("UPCOMING");
        String ended = uniqueSku("ENDED");
        String offShelf = uniqueSku("OFF");
        create(product(upcoming, now.plus(Duration.ofHours(2)), now.plus(Duration.ofHours(3)))).expectStatus().isCreated();
        create(product(ended, now.minus(Duration.ofHours(3)), now.minus(Duration.ofHours(2)))).expectStatus().isCreated();
        create(with(onSale(offShelf), "active", false)).expectStatus().isCreated();

        web.get().uri("/api/products/{sku}", upcoming).exchange().expectBody().jsonPath("$.status").isEqualTo("NOT_STARTED");
        web.get().uri("/api/products/{sku}", ended).exchange().expectBody().jsonPath("$.status").isEqualTo("ENDED");
        web.get().uri("/api/products/{sku}", offShelf).exchange().expectBody().jsonPath("$.status").isEqualTo("OFF_SHELF");
    }

    @Test
    void whenSkuIsUnknownOrMalformedThen404NotFoundProblem() {
        for (String sku : List.of(uniqueSku("NOPE"), "lower-case", "X")) {
            expectProblem(web.get().uri("/api/products/{sku}", sku).exchange(), HttpStatus.NOT_FOUND, "not-found")
                .jsonPath("$.status").isEqualTo(404)
                .jsonPath("$.trace").doesNotExist();
        }
    }

    @Test
    void whenRouteDoesNotExistThen404ProblemNotAnHtmlOrSpringErrorPage() {
        expectProblem(web.get().uri("/api/products/{sku}/nothing-here", uniqueSku("ROUTE")).exchange(),
                HttpStatus.NOT_FOUND, "not-found");
    }

    @Test
    void whenAnotherMethodIsUsedOnAKnownPathThen405ProblemWithAllow() {
        // the functional storefront routes and an annotated admin route
        expectProblem(web.post().uri("/api/products/{sku}", uniqueSku("METHOD")).exchange(),
                HttpStatus.METHOD_NOT_ALLOWED, "not-found");
        expectProblem(web.delete().uri("/api/products").exchange(), HttpStatus.METHOD_NOT_ALLOWED, "not-found");
        web.delete().uri("/api/products").exchange().expectHeader()
            .value(HttpHeaders.ALLOW, allow -> assertThat(allow).contains("GET").contains("HEAD"));
        expectProblem(web.delete().uri("/api/admin/products").headers(h -> h.setBearerAuth(AdminTokens.admin()))
            .exchange(), HttpStatus.METHOD_NOT_ALLOWED, "not-found");
    }

    @Test
    void whenTheBodyIsPlainTextThen415ValidationProblem() {
        expectProblem(web.post().uri("/api/admin/products").headers(h -> h.setBearerAuth(AdminTokens.admin()))
            .contentType(MediaType.TEXT_PLAIN).bodyValue("GIFT-10 9.90").exchange(),
                HttpStatus.UNSUPPORTED_MEDIA_TYPE, "validation");
    }

    @Test
    void whenOnlyXmlIsAcceptableThen406ProblemAsJson() {
        expectProblem(web.get().uri("/actuator/health").accept(MediaType.APPLICATION_XML).exchange(),
                HttpStatus.NOT_ACCEPTABLE, "validation");
        expectProblem(adminPost(web, AdminTokens.admin(), onSale(uniqueSku("XML"))).accept(MediaType.APPLICATION_XML)
            .exchange(), HttpStatus.NOT_ACCEPTABLE, "validation");
    }

    @Test
    void whenRequiredFieldsAreMissingThen400ValidationProblemListsEachField() {
        expectProblem(create(Map.of("description", "nothing else")), HttpStatus.BAD_REQUEST, "validation")
            .jsonPath("$.errors[*].field")
            .value(fields -> assertThat((List<String>) fields).containsExactlyInAnyOrder("name", "price", "currency",
                    "saleStartsAt", "saleEndsAt", "perBuyerLimit"));
    }

    @Test
    void whenFieldsBreakDomainRulesThen400ListsThoseFields() {
        Map<String, Object> body = with(with(onSale(uniqueSku("BAD")), "price", "9.999"), "saleEndsAt",
                "2020-01-01T00:00:00Z");
        create(body).expectStatus()
            .isBadRequest()
            .expectBody()
            .jsonPath("$.type").isEqualTo("https://flashkey.dev/problems/validation")
            .jsonPath("$.errors[*].field")
            .value(fields -> assertThat((List<String>) fields).containsExactlyInAnyOrder("price", "saleEndsAt"));

        create(with(onSale(uniqueSku("BAD")), "currency", "XYZ")).expectStatus()
            .isBadRequest()
            .expectBody()
            .jsonPath("$.errors[0].field").isEqualTo("currency");

        create(with(onSale("bad sku"), "perBuyerLimit", 0)).expectStatus()
            .isBadRequest()
            .expectBody()
            .jsonPath("$.errors[*].field")
            .value(fields -> assertThat((List<String>) fields).containsExactlyInAnyOrder("sku", "perBuyerLimit"));

        create(with(onSale(uniqueSku("BAD")), "sku", null)).expectStatus()
            .isBadRequest()
            .expectBody()
            .jsonPath("$.errors[0].field").isEqualTo("sku");
    }

    @Test
    void whenBodyIsNotJsonOfTheRightShapeThen400ValidationProblem() {
        expectProblem(web.post()
            .uri("/api/admin/products")
            .headers(headers -> headers.setBearerAuth(AdminTokens.admin()))
            .contentType(MediaType.APPLICATION_JSON)
            .bodyValue("{\"sku\": \"A1\", \"saleStartsAt\": \"tomorrow\"")
            .exchange(), HttpStatus.BAD_REQUEST, "validation");
    }

    @Test
    void whenSkuAlreadyExistsThenCreateAnswers409ConflictAndKeepsTheFirstProduct() {
        String sku = uniqueSku("DUP");
        create(onSale(sku)).expectStatus().isCreated();
        expectProblem(create(with(onSale(sku), "name", "Second")), HttpStatus.CONFLICT, "conflict");
        web.get().uri("/api/products/{sku}", sku).exchange().expectBody().jsonPath("$.name").isEqualTo("Steam card " + sku);
    }

    @Test
    void whenAdminChangesProductThen200AndTheNextReadShowsTheChange() {
        String sku = uniqueSku("CHG");
        create(onSale(sku)).expectStatus().isCreated();
        web.get().uri("/api/products/{sku}", sku).exchange().expectStatus().isOk();

        change(sku, with(with(onSale(sku), "price", "19.5"), "name", "Renamed")).expectStatus()
            .isOk()
            .expectBody()
            .jsonPath("$.price").isEqualTo("19.50")
            .jsonPath("$.name").isEqualTo("Renamed");

        web.get()
            .uri("/api/products/{sku}", sku)
            .exchange()
            .expectBody()
            .jsonPath("$.price").isEqualTo("19.50")
            .jsonPath("$.name").isEqualTo("Renamed");
    }

    @Test
    void whenChangeNamesAnotherSkuOrAnUnknownOneThen400Or404() {
        String sku = uniqueSku("CHG");
        create(onSale(sku)).expectStatus().isCreated();
        change(sku, onSale(uniqueSku("OTHER"))).expectStatus()
            .isBadRequest()
            .expectBody()
            .jsonPath("$.errors[0].field").isEqualTo("sku");

        String unknown = uniqueSku("GHOST");
        change(unknown, onSale(unknown)).expectStatus()
            .isNotFound()
            .expectBody()
            .jsonPath("$.type").isEqualTo("https://flashkey.dev/problems/not-found");
    }

    @Test
    void whenIfNoneMatchCarriesTheCurrentEtagThen304WithoutBodyAndAfterAChange200WithANewEtag() {
        String sku = uniqueSku("ETAG");
        create(onSale(sku)).expectStatus().isCreated();
        String etag = web.get().uri("/api/products/{sku}", sku).exchange().expectStatus().isOk()
            .returnResult(String.class).getResponseHeaders().getETag();
        assertThat(etag).isNotBlank();

        web.get()
            .uri("/api/products/{sku}", sku)
            .header(HttpHeaders.IF_NONE_MATCH, etag)
            .exchange()
            .expectStatus()
            .isNotModified()
            .expectHeader()
            .valueEquals(HttpHeaders.ETAG, etag)
            .expectBody()
            .isEmpty();

        change(sku, with(onSale(sku), "name", "New name")).expectStatus().isOk();

        String newEtag = web.get()
            .uri("/api/products/{sku}", sku)
            .header(HttpHeaders.IF_NONE_MATCH, etag)
            .exchange()
            .expectStatus()
            .isOk()
            .returnResult(String.class)
            .getResponseHeaders()
            .getETag();
        assertThat(newEtag).isNotEqualTo(etag);
    }

    @Test
    void whenAdminCallHasNoTokenThen401UnauthorizedProblem() {
        expectProblem(web.post()
            .uri("/api/admin/products")
            .bodyValue(onSale(uniqueSku("NOAUTH")))
            .exchange()
            .expectHeader()
            .valueEquals(HttpHeaders.WWW_AUTHENTICATE, "Bearer"), HttpStatus.UNAUTHORIZED, "unauthorized");
    }

    @Test
    void whenTokenIsExpiredForgedOrFromAnotherIssuerThen401AndNothingIsWritten() {
        String sku = uniqueSku("BADTOKEN");
        List<String> tokens = List.of(
                AdminTokens.token(AdminTokens.LOCAL_SECRET, "flashkey", List.of("admin"),
                        Instant.now().minus(Duration.ofMinutes(5))),
                AdminTokens.token("another-secret-of-at-least-thirty-two-bytes!", "flashkey", List.of("admin"),
                        Instant.now().plus(Duration.ofMinutes(5))),
                AdminTokens.token(AdminTokens.LOCAL_SECRET, "somebody-else", List.of("admin"),
                        Instant.now().plus(Duration.ofMinutes(5))),
                "not.a.jwt");
        for (String token : tokens) {
            expectProblem(adminPost(web, token, onSale(sku)).exchange(), HttpStatus.UNAUTHORIZED, "unauthorized");
        }
        web.get().uri("/api/products/{sku}", sku).exchange().expectStatus().isNotFound();
    }

    @Test
    void whenTokenHasNoExpiryOrNoIssuedAtThen401AndNothingIsWritten() {
        String sku = uniqueSku("NOEXP");
        for (String token : List.of(AdminTokens.admin(claims -> claims.remove("exp")),
                AdminTokens.admin(claims -> claims.remove("iat")))) {
            expectProblem(adminPost(web, token, onSale(sku)).exchange(), HttpStatus.UNAUTHORIZED, "unauthorized");
        }
        web.get().uri("/api/products/{sku}", sku).exchange().expectStatus().isNotFound();
    }

    @Test
    void whenTokenLivesLongerThanTheCapThen401AndNothingIsWritten() {
        String sku = uniqueSku("LONGTOKEN");
        Instant now = Instant.now();
        String tooLong = AdminTokens.admin(claims -> {
            claims.put("iat", now);
            claims.put("exp", now.plus(AdminTokens.MAX_LIFETIME).plusSeconds(1));
        });
        // Issued "in the future": exp - iat under the cap, yet the token would outlive it.
        String issuedLater = AdminTokens.admin(claims -> {
            claims.put("iat", now.plus(Duration.ofDays(30)));
            claims.put("exp", now.plus(Duration.ofDays(30)).plusSeconds(60));
        });
        for (String token : List.of(tooLong, issuedLater)) {
            expectProblem(adminPost(web, token, onSale(sku)).exchange(), HttpStatus.UNAUTHORIZED, "unauthorized");
        }
        web.get().uri("/api/products/{sku}", sku).exchange().expectStatus().isNotFound();
    }

    @Test
    void whenTokenHasAWrongOrNoAudienceThen401AndNothingIsWritten() {
        String sku = uniqueSku("BADAUD");
        for (String token : List.of(AdminTokens.admin(claims -> claims.put("aud", List.of("flashkey-storefront"))),
                AdminTokens.admin(claims -> claims.remove("aud")))) {
            expectProblem(adminPost(web, token, onSale(sku)).exchange(), HttpStatus.UNAUTHORIZED, "unauthorized");
        }
        web.get().uri("/api/products/{sku}", sku).exchange().expectStatus().isNotFound();
    }

    @Test
    void whenTokenLivesExactlyTheCapForTheAdminAudienceThenTheProductIsCreated() {
        String sku = uniqueSku("CAPTOKEN");
        Instant now = Instant.now();
        String token = AdminTokens.admin(claims -> {
            claims.put("iat", now);
            claims.put("exp", now.plus(AdminTokens.MAX_LIFETIME));
            claims.put("aud", List.of("flashkey-storefront", AdminTokens.AUDIENCE));
        });
        adminPost(web, token, onSale(sku)).exchange().expectStatus().isCreated();
    }

    @Test
    void whenTokenLacksTheAdminRoleThen403ForbiddenProblem() {
        String token = AdminTokens.token(AdminTokens.LOCAL_SECRET, "flashkey", List.of("buyer"),
                Instant.now().plus(Duration.ofMinutes(5)));
        String sku = uniqueSku("BUYER");
        expectProblem(adminPost(web, token, onSale(sku)).exchange(), HttpStatus.FORBIDDEN, "forbidden");
        web.post()
            .uri("/api/admin/products/warm-up")
            .headers(headers -> headers.setBearerAuth(token))
            .exchange()
            .expectStatus()
            .isForbidden();
    }

    @Test
    void whenAProductIsReadThenTheAnswerCarriesTheHeadersItHadBehindSpringSecurityAndHeadOmitsTheBody() {
        String sku = uniqueSku("HEADERS");
        create(onSale(sku)).expectStatus().isCreated();
        byte[] body = web.get()
            .uri("/api/products/{sku}", sku)
            .exchange()
            .expectStatus().isOk()
            .expectHeader().contentType(MediaType.APPLICATION_JSON)
            .expectHeader().valueEquals("X-Content-Type-Options", "nosniff")
            .expectHeader().valueEquals("X-Frame-Options", "DENY")
            .expectHeader().valueEquals("X-XSS-Protection", "0")
            .expectHeader().valueEquals("Referrer-Policy", "no-referrer")
            .expectBody().returnResult().getResponseBodyContent();

        web.head()
            .uri("/api/products/{sku}", sku)
            .exchange()
            .expectStatus().isOk()
            .expectHeader().contentLength(body.length)
            .expectHeader().valueEquals(HttpHeaders.ETAG, "\"v0-ON_SALE\"")
            .expectBody().isEmpty();

        expectProblem(web.get().uri("/api/products/{sku}", uniqueSku("NOPE")).exchange()
            .expectHeader().valueEquals(HttpHeaders.CACHE_CONTROL, "no-cache, no-store, max-age=0, must-revalidate")
            .expectHeader().valueEquals(HttpHeaders.PRAGMA, "no-cache")
            .expectHeader().valueEquals("X-Content-Type-Options", "nosniff"), HttpStatus.NOT_FOUND, "not-found");
    }

    /**
     * A client that sends its next request on a kept-alive connection as soon as an answer arrives: the answer of a
     * read loaded from Redis ends on a Redis thread, so the next request can arrive before the connection's
     * operations end, and one answered synchronously from the local cache then stalled the connection (reactor-netty
     * #4361; {@code reactor.netty.http.server.lastFlushWhenNoRead} is set wherever a service starts).
     */
    @Test
    void whenAClientReusesItsConnectionAtOnceThenEveryRequestIsAnswered() {
        WebTestClient prompt = web.mutate().responseTimeout(Duration.ofSeconds(5)).build();
        for (int round = 0; round < 100; round++) {
            String sku = uniqueSku("KEEPALIVE");
            create(onSale(sku)).expectStatus().isCreated();
            prompt.get().uri("/api/products/{sku}", sku).exchange().expectStatus().isOk();
            prompt.head().uri("/api/products/{sku}", sku).exchange().expectStatus().isOk();
            prompt.get().uri("/api/products/{sku}", uniqueSku("NOPE")).exchange().expectStatus().isNotFound();
        }
    }

    @Test
    void whenAPublicReadCarriesABrokenBearerTokenThenItIsStillAnswered() {
        String sku = uniqueSku("PUBLIC");
        create(onSale(sku)).expectStatus().isCreated();
        web.get()
            .uri("/api/products/{sku}", sku)
            .headers(headers -> headers.setBearerAuth("not.a.jwt"))
            .exchange()
            .expectStatus().isOk();
        web.get()
            .uri("/api/products")
            .headers(headers -> headers.setBearerAuth("not.a.jwt"))
            .exchange()
            .expectStatus().isOk();
    }

    @Test
    void whenAnAdminPathIsSpelledToSlipPastMatchersThenSpringSecurityStillSeesItFirewallAndToken() {
        // The firewall still guards the admin paths: an encoded ".." segment is refused before any handler.
        web.post()
            .uri(URI.create("http://127.0.0.1:" + port + "/api/admin/products/%2e%2e/warm-up"))
            .headers(headers -> headers.setBearerAuth(AdminTokens.admin()))
            .exchange()
            .expectStatus().isBadRequest();
        // Percent-encoded letters and path parameters name the same admin handler: the token is still required.
        for (String spelling : List.of("/api/%61dmin/products/warm-up", "/api/admin;x=1/products/warm-up")) {
            web.post()
                .uri(URI.create("http://127.0.0.1:" + port + spelling))
                .exchange()
                .expectStatus().value(status -> assertThat(status).isIn(400, 401));
        }
    }

    @Test
    void whenStartedThenProbesMetricsAndOpenApiAreOpenButOtherActuatorEndpointsAreNot() {
        web.get().uri("/actuator/health/liveness").exchange().expectStatus().isOk();
        web.get().uri("/actuator/health/readiness").exchange().expectStatus().isOk();
        web.get().uri("/actuator/prometheus").exchange().expectStatus().isOk();
        web.get()
            .uri("/v3/api-docs")
            .exchange()
            .expectStatus()
            .isOk()
            .expectBody()
            .jsonPath("$.paths['/api/products/{sku}']").exists()
            .jsonPath("$.paths['/api/admin/products/warm-up']").exists();
        web.get().uri("/actuator/metrics").exchange().expectStatus().isUnauthorized();
        web.get().uri("/actuator/info").exchange().expectStatus().isUnauthorized();
        web.get()
            .uri("/actuator/metrics")
            .headers(headers -> headers.setBearerAuth(AdminTokens.admin()))
            .exchange()
            .expectStatus().isOk();
    }
}
