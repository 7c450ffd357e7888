package com.flashkey.gateway.resilience;

import java.util.HashMap;
import java.util.Map;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowType;
import io.github.resilience4j.timelimiter.TimeLimiter;
import io.github.resilience4j.timelimiter.TimeLimiterConfig;

import org.springframework.cloud.circuitbreaker.resilience4j.ReactiveResilience4JCircuitBreakerFactory;
import org.springframework.stereotype.Component;

import com.flashkey.gateway.config.GatewayProperties;
import com.flashkey.gateway.requestsize.PayloadTooLargeException;

/**
 * One circuit breaker and one time limiter per downstream, created once at start-up in the registries that
 * Spring Cloud CircuitBreaker binds to Micrometer (resilience4j_circuitbreaker_* metrics per name).
 */
@Component
public class Downstreams {

    /** A downstream's guards and settings. */
    public record Guard(String name, CircuitBreaker circuitBreaker, TimeLimiter timeLimiter,
            GatewayProperties.Downstream settings) {
    }

    private final Map<String, Guard> guards = new HashMap<>();

    Downstreams(GatewayProperties properties, ReactiveResilience4JCircuitBreakerFactory factory) {
        properties.downstreams().forEach((name, settings) -> {
            CircuitBreakerConfig breakerConfig = CircuitBreakerConfig.custom()
                .slidingWindowType(SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(settings.slidingWindowSize())
                .minimumNumberOfCalls(settings.minimumNumberOfCalls())
                .failureRateThreshold(settings.failureRateThreshold())
                .slowCallDurationThreshold(settings.slowCallDuration())
                .waitDurationInOpenState(settings.waitInOpenState())
                .permittedNumberOfCallsInHalfOpenState(settings.permittedCallsInHalfOpen())
                .automaticTransitionFromOpenToHalfOpenEnabled(false)
                // The client's fault, not the downstream's: must not open a circuit for everyone.
                .ignoreExceptions(PayloadTooLargeException.class)
                .build();
            CircuitBreaker breaker = factory.getCircuitBreakerRegistry().circuitBreaker(name, breakerConfig);
            TimeLimiter limiter = factory.getTimeLimiterRegistry()
                .timeLimiter(name, TimeLimiterConfig.custom().timeoutDuration(settings.timeout()).build());
            guards.put(name, new Guard(name, breaker, limiter, settings));
        });
    }

    public Guard guard(String name) {
        Guard guard = guards.get(name);
        if (guard == null) {
            throw new IllegalArgumentException("No downstream '" + name + "' under flashkey.gateway.downstreams");
        }
        return guard;
    }
}
