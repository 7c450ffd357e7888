package com.flashkey.catalog;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.web.reactive.server.WebTestClient;

import com.flashkey.testsupport.AdminTokens;
import com.flashkey.testsupport.TestDatabase;
import com.flashkey.testsupport.TestInfrastructure;
import com.flashkey.testsupport.TestRedisNamespace;

/** What catalog-service's HTTP tests share: their own database and Redis namespace, admin calls, problem answers. */
public final class CatalogTestSupport {

    private CatalogTestSupport() {
    }

    public static TestDatabase newDatabase() {
        return TestInfrastructure.mariaDb().newDatabase("catalog");
    }

    public static TestRedisNamespace newRedisNamespace() {
        return TestInfrastructure.redis().newNamespace("catalog");
    }

    /** For a {@code @DynamicPropertySource} method: the database, Redis and the service's key prefix. */
    public static void register(DynamicPropertyRegistry registry, TestDatabase db, TestRedisNamespace redis) {
        db.registerR2dbcAndFlyway(registry);
        redis.registerRedis(registry);
        registry.add("flashkey.redis.key-prefix", redis::prefix);
    }

    /** {@code POST /api/admin/products} with the given bearer token. */
    public static WebTestClient.RequestHeadersSpec<?> adminPost(WebTestClient web, String token, Object body) {
        return web.post()
            .uri("/api/admin/products")
            .headers(headers -> headers.setBearerAuth(token))
            .bodyValue(body);
    }

    /** Creates a product as an admin. */
    public static WebTestClient.ResponseSpec create(WebTestClient web, Object body) {
        return adminPost(web, AdminTokens.admin(), body).exchange();
    }

    /** Expects an RFC 9457 problem answer with this status and {@code type} code; the body can be checked further. */
    public static WebTestClient.BodyContentSpec expectProblem(WebTestClient.ResponseSpec response, HttpStatus status,
            String code) {
        return response.expectStatus()
            .isEqualTo(status)
            .expectHeader()
            .contentType(MediaType.APPLICATION_PROBLEM_JSON)
            .expectBody()
            .jsonPath("$.type").isEqualTo("https://flashkey.dev/problems/" + code);
    }
}
