package com.flashkey.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

class AdminAuthTests extends GatewayTestBase {

    private WebTestClient.ResponseSpec createProduct(String token) {
        return web.post().uri("/api/admin/products")
            .headers(h -> {
                if (token != null) {
                    h.setBearerAuth(token);
                }
            })
            .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"sku\":\"SKU-1\"}").exchange();
    }

    @Test
    void whenAnAdminRouteIsCalledWithoutATokenThenItIs401() {
        createProduct(null).expectStatus().isUnauthorized()
            .expectHeader().valueEquals("WWW-Authenticate", "Bearer")
            .expectBody().jsonPath("$.type").isEqualTo("https://flashkey.dev/problems/unauthorized");
        assertThat(Stubs.CATALOG.hitCount()).isZero();
    }

    @Test
    void whenTheTokenHasExpiredThenItIs401() {
        createProduct(Tokens.expiredAdmin()).expectStatus().isUnauthorized();
        assertThat(Stubs.CATALOG.hitCount()).isZero();
    }

    @Test
    void whenTheTokenLacksTheAdminRoleThenItIs403() {
        createProduct(Tokens.buyer()).expectStatus().isForbidden()
            .expectBody().jsonPath("$.type").isEqualTo("https://flashkey.dev/problems/forbidden");
        web.post().uri("/api/admin/products/SKU-1/keys").headers(h -> h.setBearerAuth(Tokens.buyer()))
            .contentType(MediaType.TEXT_PLAIN).bodyValue("CODE-1").exchange().expectStatus().isForbidden();
        assertThat(Stubs.totalHits()).isZero();
    }

    @Test
    void whenTheTokenIsFromAnotherIssuerOrSignedWithAnotherKeyThenItIs401() {
        createProduct(Tokens.adminFromOtherIssuer()).expectStatus().isUnauthorized();
        createProduct(Tokens.adminSignedWithOtherSecret()).expectStatus().isUnauthorized();
        createProduct("not-a-jwt").expectStatus().isUnauthorized();
        assertThat(Stubs.CATALOG.hitCount()).isZero();
    }

    @Test
    void whenTheTokenHasNoExpiryThenItIs401() {
        createProduct(Tokens.admin(claims -> claims.expirationTime(null))).expectStatus().isUnauthorized()
            .expectHeader().valueEquals("WWW-Authenticate", "Bearer")
            .expectBody().jsonPath("$.type").isEqualTo("https://flashkey.dev/problems/unauthorized");
        assertThat(Stubs.CATALOG.hitCount()).isZero();
    }

    @Test
    void whenTheTokenHasNoIssuedAtThenItIs401() {
        createProduct(Tokens.admin(claims -> claims.issueTime(null))).expectStatus().isUnauthorized();
        assertThat(Stubs.CATALOG.hitCount()).isZero();
    }

    @Test
    void whenTheTokenLivesLongerThanTheCapThenItIs401() {
        Instant now = Instant.now();
        String tooLong = Tokens.admin(claims -> claims.issueTime(Date.from(now))
            .expirationTime(Date.from(now.plus(Tokens.MAX_LIFETIME).plusSeconds(1))));
        // Issued "in the future", so that exp - iat stays under the cap while the token would outlive it.
        String issuedLater = Tokens.admin(claims -> claims.issueTime(Date.from(now.plus(Duration.ofDays(30))))
            .expirationTime(Date.from(now.plus(Duration.ofDays(30)).plusSeconds(60))));
        createProduct(tooLong).expectStatus().isUnauthorized();
        createProduct(issuedLater).expectStatus().isUnauthorized();
        assertThat(Stubs.CATALOG.hitCount()).isZero();
    }

    @Test
    void whenTheTokenLivesExactlyTheCapThenItPasses() {
        Instant now = Instant.now();
        createProduct(Tokens.admin(claims -> claims.issueTime(Date.from(now))
            .expirationTime(Date.from(now.plus(Tokens.MAX_LIFETIME))))).expectStatus().isAccepted();
        assertThat(Stubs.CATALOG.hitCount()).isEqualTo(1);
    }

    @Test
    void whenTheTokenHasAWrongOrNoAudienceThenItIs401() {
        createProduct(Tokens.admin(claims -> claims.audience("flashkey-storefront"))).expectStatus().isUnauthorized();
        createProduct(Tokens.admin(claims -> claims.audience((String) null))).expectStatus().isUnauthorized();
        assertThat(Stubs.CATALOG.hitCount()).isZero();
    }

    @Test
    void whenTheAudienceListHoldsTheAdminAudienceThenItPasses() {
        createProduct(Tokens.admin(claims -> claims.audience(List.of("flashkey-storefront", Tokens.AUDIENCE))))
            .expectStatus().isAccepted();
        assertThat(Stubs.CATALOG.hitCount()).isEqualTo(1);
    }

    @Test
    void whenTheTokenIsAValidAdminTokenThenTheRequestReachesCatalog() {
        createProduct(Tokens.admin()).expectStatus().isAccepted();
        assertThat(Stubs.CATALOG.hitCount()).isEqualTo(1);
    }

    @Test
    void whenPublicRoutesAreCalledWithoutATokenThenTheyPass() {
        web.get().uri("/api/products/SKU-1").exchange().expectStatus().isOk();
        web.post().uri("/webhooks/payments/simpay").contentType(MediaType.APPLICATION_JSON).bodyValue("{}").exchange()
            .expectStatus().isAccepted();
    }
}
