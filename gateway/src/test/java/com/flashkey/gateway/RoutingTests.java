package com.flashkey.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.function.Consumer;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;

import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import reactor.core.publisher.Flux;

class RoutingTests extends GatewayTestBase {

    private void expectRouted(HttpMethod method, String uri, StubServer target, Consumer<HttpHeaders> headers) {
        Stubs.resetAll();
        web.method(method).uri(uri).headers(headers).contentType(MediaType.APPLICATION_JSON).bodyValue("{}")
            .exchange().expectStatus().is2xxSuccessful();
        assertThat(target.hits()).as("%s %s reaches its service", method, uri).hasSize(1);
        assertThat(target.hits().get(0).uri()).isEqualTo(uri);
        assertThat(Stubs.totalHits()).as("and no other service").isEqualTo(1);
    }

    @Test
    void whenEachPublicPathIsCalledThenItReachesItsService() {
        Consumer<HttpHeaders> none = headers -> {
        };
        expectRouted(HttpMethod.GET, "/api/products?page=0&size=20", Stubs.CATALOG, none);
        expectRouted(HttpMethod.GET, "/api/products/SKU-1", Stubs.CATALOG, none);
        expectRouted(HttpMethod.GET, "/api/products/SKU-1/stock", Stubs.INVENTORY, none);
        expectRouted(HttpMethod.POST, "/api/orders", Stubs.ORDER, none);
        expectRouted(HttpMethod.GET, "/api/orders/AB12CD34?email=a@b.dev", Stubs.ORDER, none);
        expectRouted(HttpMethod.POST, "/api/orders/AB12CD34/resend?email=a@b.dev", Stubs.ORDER, none);
        expectRouted(HttpMethod.POST, "/api/orders/AB12CD34/cancel?email=a@b.dev", Stubs.ORDER, none);
        expectRouted(HttpMethod.POST, "/webhooks/payments/simpay", Stubs.PAYMENT, none);
        expectRouted(HttpMethod.GET, "/simulator/pay?orderNo=AB12CD34", Stubs.PAYMENT, none);
    }

    @Test
    void whenEachAdminPathIsCalledWithAnAdminTokenThenItReachesItsService() {
        Consumer<HttpHeaders> admin = headers -> headers.setBearerAuth(Tokens.admin());
        expectRouted(HttpMethod.POST, "/api/admin/products", Stubs.CATALOG, admin);
        expectRouted(HttpMethod.PUT, "/api/admin/products/SKU-1", Stubs.CATALOG, admin);
        expectRouted(HttpMethod.POST, "/api/admin/products/SKU-1/keys", Stubs.INVENTORY, admin);
        expectRouted(HttpMethod.GET, "/api/admin/products/SKU-1/inventory", Stubs.INVENTORY, admin);
        expectRouted(HttpMethod.POST, "/api/admin/inventory/rebuild", Stubs.INVENTORY, admin);
        assertThat(Stubs.INVENTORY.hits().get(0).header(HttpHeaders.AUTHORIZATION))
            .as("the token goes on, services check it too").startsWith("Bearer ");
        expectRouted(HttpMethod.GET, "/api/admin/payments/unmatched", Stubs.ORDER, admin);
    }

    @Test
    void whenInternalPathsAreCalledThenNothingIsRouted() {
        web.post().uri("/internal/reservations").contentType(MediaType.APPLICATION_JSON).bodyValue("{}").exchange()
            .expectStatus().isNotFound()
            .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
            .expectBody().jsonPath("$.type").isEqualTo("https://flashkey.dev/problems/not-found");
        web.delete().uri("/internal/reservations/AB12CD34").exchange().expectStatus().isNotFound();
        web.get().uri("/api/products/..%2F..%2Finternal%2Freservations").exchange().expectStatus().is4xxClientError();
        web.get().uri("/api/products/%2e%2e/%2e%2e/internal/reservations").exchange().expectStatus().is4xxClientError();
        assertThat(Stubs.totalHits()).isZero();
    }

    @Test
    void whenTheFirewallRefusesARequestThenTheAnswerIsAProblem() {
        web.get().uri("/api/products/..%2F..%2Finternal%2Freservations").exchange()
            .expectStatus().isBadRequest()
            .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
            .expectHeader().exists("X-Request-Id")
            .expectBody().jsonPath("$.type").isEqualTo("https://flashkey.dev/problems/validation");
        assertThat(Stubs.totalHits()).isZero();
    }

    @Test
    void whenAClientSendsForwardingHeadersThenTheServiceSeesOnlyTheAddressTheGatewayConcluded() {
        // 127.0.0.1 is a trusted proxy here: the hop it appended is the client; what the client wrote is not.
        web.get().uri("/api/orders/AB12CD34?email=a@b.dev").header("X-Forwarded-For", "10.66.0.9, 203.0.113.7")
            .header("Forwarded", "for=10.66.0.10").exchange().expectStatus().isOk();
        StubServer.Hit hit = Stubs.ORDER.hits().get(0);
        assertThat(hit.header("X-Forwarded-For")).isEqualTo("203.0.113.7");
        assertThat(hit.header("Forwarded")).isNull();

        Stubs.resetAll();
        web.get().uri("/api/orders/AB12CD34?email=a@b.dev").header("X-Forwarded-Host", "evil.example")
            .header("X-Forwarded-Proto", "https").exchange().expectStatus().isOk();
        assertThat(Stubs.ORDER.hits().get(0).headers()).doesNotContainKeys("x-forwarded-host", "x-forwarded-proto",
                "x-forwarded-port", "x-forwarded-prefix");

        Stubs.resetAll();
        web.get().uri("/api/orders/AB12CD34?email=a@b.dev").exchange().expectStatus().isOk();
        assertThat(Stubs.ORDER.hits().get(0).header("X-Forwarded-For")).as("the TCP peer, without a header")
            .isEqualTo("127.0.0.1");
    }

    @Test
    void whenManyRequestsGoToAServiceThenTheGatewayReusesItsConnections() {
        web.get().uri("/api/products/SKU-1").exchange().expectStatus().isOk();
        int before = Stubs.CATALOG.connectionCount();
        for (int i = 0; i < 20; i++) {
            web.get().uri("/api/products/SKU-1").exchange().expectStatus().isOk();
        }
        assertThat(Stubs.CATALOG.connectionCount() - before).as("new connections for 20 sequential requests")
            .isLessThanOrEqualTo(1);
        assertThat(Stubs.CATALOG.hits().get(Stubs.CATALOG.hitCount() - 1).headers().keySet())
            .as("the client's own headers, and only the ids and the client address added")
            .isSubsetOf("host", "user-agent", "accept", "accept-encoding", "webtestclient-request-id", "x-request-id",
                    "traceparent", "x-forwarded-for");
    }

    @Test
    void whenARequestComesWithoutIdsThenTheGatewayMakesThemAndPassesThemOn() {
        String requestId = web.get().uri("/api/products/SKU-1").exchange()
            .expectStatus().isOk()
            .returnResult(String.class).getResponseHeaders().getFirst("X-Request-Id");
        StubServer.Hit hit = Stubs.CATALOG.hits().get(0);
        assertThat(requestId).isNotBlank().isEqualTo(hit.header("X-Request-Id"));
        assertThat(hit.header("traceparent")).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01");
    }

    @Test
    void whenARequestCarriesTraceContextThenTheTraceContinuesWithTheGatewayAsParent() {
        String incoming = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        web.get().uri("/api/products/SKU-1").header("traceparent", incoming).header("X-Request-Id", "req-42")
            .exchange()
            .expectStatus().isOk()
            .expectHeader().valueEquals("X-Request-Id", "req-42");
        String forwarded = Stubs.CATALOG.hits().get(0).header("traceparent");
        assertThat(forwarded).startsWith("00-0af7651916cd43dd8448eb211c80319c-").endsWith("-01").isNotEqualTo(incoming);
        assertThat(Stubs.CATALOG.hits().get(0).header("X-Request-Id")).isEqualTo("req-42");
    }

    @Test
    void whenARequestIdIsMalformedThenTheGatewayReplacesIt() {
        web.get().uri("/api/products/SKU-1").header("X-Request-Id", "bad id\twith spaces").exchange()
            .expectStatus().isOk()
            .expectHeader().value("X-Request-Id", id -> assertThat(id).matches("[0-9a-f]{24}"));
    }

    @Test
    void whenTheGatewayActuatorIsAskedToChangeRoutesThenItIsNotThere() {
        web.get().uri("/actuator/gateway/routes").headers(h -> h.setBearerAuth(Tokens.admin())).exchange()
            .expectStatus().isNotFound();
        web.post().uri("/actuator/gateway/refresh").headers(h -> h.setBearerAuth(Tokens.admin())).exchange()
            .expectStatus().isNotFound();
        web.post().uri("/actuator/gateway/routes/evil").headers(h -> h.setBearerAuth(Tokens.admin()))
            .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"uri\":\"http://evil\"}").exchange()
            .expectStatus().isNotFound();
        web.get().uri("/actuator/health/readiness").exchange().expectStatus().isOk();
        web.get().uri("/actuator/prometheus").exchange().expectStatus().isOk();
        web.get().uri("/v3/api-docs").exchange().expectStatus().isOk();
    }

    @Test
    void whenAResponseLeavesTheGatewayThenItCarriesSecurityHeaders() {
        web.get().uri("/api/products/SKU-1").exchange()
            .expectStatus().isOk()
            .expectHeader().valueEquals("X-Content-Type-Options", "nosniff")
            .expectHeader().valueEquals("X-Frame-Options", "DENY")
            .expectHeader().valueEquals("Referrer-Policy", "no-referrer")
            .expectHeader().valueEquals("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
    }

    @Test
    void whenAnyAnswerLeavesTheGatewayThenItCarriesTheSameSecurityHeadersAsBefore() {
        // Public, admin (refused by the security chain) and the gateway's own answers alike; no HSTS over plain HTTP.
        for (String uri : new String[] { "/api/products/SKU-1", "/api/admin/products/SKU-1/inventory", "/nowhere",
                "/actuator/health/readiness" }) {
            web.get().uri(uri).exchange()
                .expectHeader().valueEquals("X-Content-Type-Options", "nosniff")
                .expectHeader().valueEquals("X-Frame-Options", "DENY")
                .expectHeader().valueEquals("X-XSS-Protection", "0")
                .expectHeader().valueEquals("Referrer-Policy", "no-referrer")
                .expectHeader().valueEquals("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'")
                .expectHeader().doesNotExist("Strict-Transport-Security")
                .expectHeader().valueEquals("Cache-Control", "no-cache, no-store, max-age=0, must-revalidate")
                .expectHeader().valueEquals("Pragma", "no-cache")
                .expectHeader().valueEquals("Expires", "0");
        }
    }

    @Test
    void whenTheServiceSetsItsOwnCachingHeadersThenTheyPass() {
        Stubs.CATALOG.behave(hit -> reactor.core.publisher.Mono.just(new StubServer.Answer(200, "{}",
                java.util.Map.of("Cache-Control", "max-age=5", "ETag", "\"v1\""))));
        web.get().uri("/api/products/SKU-1").exchange()
            .expectStatus().isOk()
            .expectHeader().valueEquals("Cache-Control", "max-age=5")
            .expectHeader().valueEquals("ETag", "\"v1\"")
            .expectHeader().doesNotExist("Pragma")
            .expectHeader().valueEquals("X-Frame-Options", "DENY");
    }

    @Test
    void whenTheServiceAnswersCorsTooThenTheBrowserSeesTheGatewaysAllowOriginOnce() {
        Stubs.CATALOG.behave(hit -> reactor.core.publisher.Mono.just(new StubServer.Answer(200, "{}",
                java.util.Map.of("Access-Control-Allow-Origin", "*"))));
        web.get().uri("/api/products/SKU-1").header(HttpHeaders.ORIGIN, "http://localhost:3000").exchange()
            .expectStatus().isOk()
            .expectHeader().values(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN,
                    values -> assertThat(values).containsExactly("http://localhost:3000"));
    }

    @Test
    void whenARequestIsAnsweredThenItIsTimedOncePerRoute() {
        web.get().uri("/api/products/SKU-1").exchange().expectStatus().isOk();
        String metrics = web.get().uri("/actuator/prometheus").exchange().expectStatus().isOk()
            .expectBody(String.class).returnResult().getResponseBody();
        assertThat(metrics).containsPattern("http_server_requests_seconds_count\\{[^}]*route=\"products\"[^}]*status=\"200\"")
            .doesNotContain("spring_cloud_gateway_requests");
    }

    @Test
    void whenTheStorefrontOriginAsksForCorsThenItIsAllowedAndOtherOriginsAreNot() {
        web.options().uri("/api/orders").header(HttpHeaders.ORIGIN, "http://localhost:3000")
            .header(HttpHeaders.ACCESS_CONTROL_REQUEST_METHOD, "POST")
            .header(HttpHeaders.ACCESS_CONTROL_REQUEST_HEADERS, "content-type,idempotency-key")
            .exchange()
            .expectStatus().isOk()
            .expectHeader().valueEquals(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, "http://localhost:3000");
        web.options().uri("/api/orders").header(HttpHeaders.ORIGIN, "https://evil.example")
            .header(HttpHeaders.ACCESS_CONTROL_REQUEST_METHOD, "POST")
            .exchange()
            .expectStatus().isForbidden();
        web.get().uri("/api/products/SKU-1").header(HttpHeaders.ORIGIN, "http://localhost:3000").exchange()
            .expectStatus().isOk()
            .expectHeader().valueEquals(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, "http://localhost:3000");
        assertThat(Stubs.ORDER.hitCount()).isZero();
    }

    @Test
    void whenABodyIsLargerThanTheLimitThenItIs413AndNotForwarded() {
        WebTestClient.ResponseSpec response = web.post().uri("/api/orders").contentType(MediaType.APPLICATION_JSON)
            .bodyValue("{\"pad\":\"" + "x".repeat(2048) + "\"}").exchange();
        response.expectStatus().isEqualTo(413)
            .expectBody().jsonPath("$.type").isEqualTo("https://flashkey.dev/problems/payload-too-large");
        assertThat(Stubs.ORDER.hitCount()).isZero();
    }

    @Test
    void whenAChunkedBodyGrowsPastTheLimitThenItIs413AndDoesNotCountAgainstTheOrderCircuit() {
        for (int i = 0; i < 5; i++) {
            web.post().uri("/api/orders").header("X-Forwarded-For", "203.0.113." + (120 + i))
                .contentType(MediaType.APPLICATION_JSON)
                .body(Flux.range(0, 40).map(n -> "x".repeat(100)), String.class)
                .exchange()
                .expectStatus().isEqualTo(413);
        }
        assertThat(breakerState("order")).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(Stubs.ORDER.hitCount()).isZero();
    }
}
