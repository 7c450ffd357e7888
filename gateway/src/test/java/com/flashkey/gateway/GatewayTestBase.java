package com.flashkey.gateway;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.cloud.circuitbreaker.resilience4j.ReactiveResilience4JCircuitBreakerFactory;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import com.flashkey.gateway.ratelimit.RateLimiter;
import com.flashkey.testsupport.TestInfrastructure;
import com.flashkey.testsupport.TestRedisNamespace;

/**
 * One gateway context (profile "it": small limits, short breaker windows, 127.0.0.1 as a trusted proxy) against
 * real Redis and the stub downstreams; shared by the integration test classes. Each test starts with empty
 * buckets (in Redis and in this replica's memory), closed circuits and well-behaved stubs.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient
@ActiveProfiles("it")
abstract class GatewayTestBase {

    @RegisterExtension
    static TestRedisNamespace redis = TestInfrastructure.redis().newNamespace("gateway");

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        redis.registerRedis(registry);
        registry.add("flashkey.redis.key-prefix", redis::prefix);
        Stubs.register(registry);
    }

    @Autowired
    WebTestClient web;

    @Autowired
    ReactiveResilience4JCircuitBreakerFactory breakers;

    @Autowired
    RateLimiter rateLimiter;

    @LocalServerPort
    int port;

    @BeforeEach
    void startClean() {
        redis.deleteAll();
        rateLimiter.forgetKnownEmptyBuckets();
        Stubs.resetAll();
        breakers.getCircuitBreakerRegistry().getAllCircuitBreakers().forEach(CircuitBreaker::reset);
    }

    CircuitBreaker.State breakerState(String name) {
        return breakers.getCircuitBreakerRegistry().circuitBreaker(name).getState();
    }
}
