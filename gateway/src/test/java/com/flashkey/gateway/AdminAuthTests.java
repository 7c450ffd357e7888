package com.flashkey.gateway;

import static org.assertj.core.api.Assertions.assertThat;

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
