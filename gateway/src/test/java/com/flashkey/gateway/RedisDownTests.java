package com.flashkey.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.Map;
import java.util.stream.Collectors;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.cloud.circuitbreaker.resilience4j.ReactiveResilience4JCircuitBreakerFactory;
import org.springframework.http.MediaType;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.reactive.function.client.WebClient;

import reactor.core.publisher.Flux;

/** Redis points at a port nobody listens on: reads fail open, writes fall back to the in-memory limiter. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("it")
class RedisDownTests {

    @DynamicPropertySource
    static void deadRedis(DynamicPropertyRegistry registry) throws IOException {
        int deadPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            deadPort = socket.getLocalPort();
        }
        registry.add("spring.data.redis.host", () -> "127.0.0.1");
        registry.add("spring.data.redis.port", () -> deadPort);
        registry.add("flashkey.redis.key-prefix", () -> "fk-test-gateway-dead:");
        Stubs.register(registry);
    }

    @LocalServerPort
    int port;

    @Autowired
    ReactiveResilience4JCircuitBreakerFactory breakers;

    @BeforeEach
    void startClean() {
        Stubs.resetAll();
        breakers.getCircuitBreakerRegistry().getAllCircuitBreakers().forEach(CircuitBreaker::reset);
    }

    private Map<Integer, Long> fire(int count, String method, String uri, String client) {
        WebClient web = WebClient.create("http://127.0.0.1:" + port);
        return Flux.range(0, count)
            .flatMap(i -> web.method(org.springframework.http.HttpMethod.valueOf(method)).uri(uri)
                .header("X-Forwarded-For", client)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{}")
                .exchangeToMono(response -> response.toBodilessEntity()), count)
            .collectList()
            .block()
            .stream()
            .collect(Collectors.groupingBy(r -> r.getStatusCode().value(), Collectors.counting()));
    }

    @Test
    void whenRedisIsUnreachableThenReadsPassBeyondTheirLimit() {
        // The lookup limit is 8 per client; with its store down, reads are not limited at all.
        assertThat(fire(12, "GET", "/api/orders/AB12CD34?email=a@b.dev", "203.0.113.110")).isEqualTo(Map.of(200, 12L));
    }

    @Test
    void whenRedisIsUnreachableThenOrderWritesAreLimitedInMemory() {
        assertThat(fire(12, "POST", "/api/orders", "203.0.113.111")).isEqualTo(Map.of(202, 5L, 429, 7L));
        assertThat(Stubs.ORDER.hitCount()).isEqualTo(5);
    }
}
