package com.flashkey.catalog.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.http.HttpMethod;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;

/** Which paths Spring Security sees: the admin API and the protected actuator endpoints, however spelled. */
class GuardedPathsTests {

    private static boolean guarded(String rawPath) {
        return SecurityConfig.isGuarded(MockServerWebExchange
            .from(MockServerHttpRequest.method(HttpMethod.GET, URI.create("http://localhost" + rawPath)).build()));
    }

    @ParameterizedTest
    @ValueSource(strings = { "/api/admin", "/api/admin/products", "/api/admin/products/STEAM-1",
            "/api/admin/products/warm-up", "/api/%61dmin/products", "/api/admin;x=1/products", "/actuator",
            "/actuator/metrics", "/actuator/metrics/jvm.memory.used", "/actuator/info", "/actuator/env" })
    void whenThePathIsAnAdminOrProtectedActuatorPathThenSpringSecuritySeesIt(String path) {
        assertThat(guarded(path)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = { "/api/products", "/api/products/STEAM-1", "/actuator/health", "/actuator/health/liveness",
            "/actuator/health/readiness", "/actuator/prometheus", "/v3/api-docs", "/swagger-ui.html",
            "/api/administer" })
    void whenThePathIsPublicThenItSkipsSpringSecurity(String path) {
        assertThat(guarded(path)).isFalse();
    }
}
