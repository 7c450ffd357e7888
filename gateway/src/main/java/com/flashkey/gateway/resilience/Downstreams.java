package com.flashkey.gateway.resilience;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowType;

import org.springframework.cloud.circuitbreaker.resilience4j.ReactiveResilience4JCircuitBreakerFactory;
import org.springframework.stereotype.Component;

import com.flashkey.gateway.config.GatewayProperties;
import com.flashkey.gateway.config.GatewayProperties.RouteLimit;
import com.flashkey.gateway.requestsize.PayloadTooLargeException;

/**
 * One circuit breaker per route (named by the route id), built from the settings of the route's downstream and
 * created once, in the registry that Spring Cloud CircuitBreaker binds to Micrometer (resilience4j_circuitbreaker_*
 * metrics per name). Per route, not per downstream: requests that provoke errors on one route (order lookups with
 * a malformed number) must not close another (order placement).
 */
@Component
public class Downstreams {

    /**
     * A route's breaker and limits.
     *
     * @param route the route id (also the breaker's name)
     * @param downstream the downstream's name (catalog, inventory, order, payment)
     * @param circuitBreaker the route's breaker
     * @param timeout the route's time limit (a read timeout on the downstream connection)
     * @param settings the downstream's settings (Retry-After, open period)
     */
    public record Guard(String route, String downstream, CircuitBreaker circuitBreaker, Duration timeout,
            GatewayProperties.Downstream settings) {
    }

    private final GatewayProperties properties;

    private final ReactiveResilience4JCircuitBreakerFactory factory;

    private final Map<String, Guard> guards = new ConcurrentHashMap<>();

    Downstreams(GatewayProperties properties, ReactiveResilience4JCircuitBreakerFactory factory) {
        this.properties = properties;
        this.factory = factory;
    }

    /** The route's guard, created on first use and kept for the process (a route refresh keeps its breaker). */
    public Guard guard(String routeId, String downstream) {
        GatewayProperties.Downstream settings = properties.downstreams().get(downstream);
        if (settings == null) {
            throw new IllegalArgumentException("Route " + routeId + " names downstream '" + downstream
                    + "', not under flashkey.gateway.downstreams");
        }
        return guards.computeIfAbsent(routeId, id -> create(id, downstream, settings));
    }

    private Guard create(String routeId, String downstream, GatewayProperties.Downstream settings) {
        RouteLimit limit = properties.routeLimits().getOrDefault(routeId, new RouteLimit(null, null));
        Duration timeout = limit.timeout() != null ? limit.timeout() : settings.timeout();
        Duration slowCall = limit.slowCallDuration() != null ? limit.slowCallDuration() : settings.slowCallDuration();
        CircuitBreakerConfig config = CircuitBreakerConfig.custom()
            .slidingWindowType(SlidingWindowType.COUNT_BASED)
            .slidingWindowSize(settings.slidingWindowSize())
            .minimumNumberOfCalls(settings.minimumNumberOfCalls())
            .failureRateThreshold(settings.failureRateThreshold())
            .slowCallDurationThreshold(slowCall)
            .waitDurationInOpenState(settings.waitInOpenState())
            .permittedNumberOfCallsInHalfOpenState(settings.permittedCallsInHalfOpen())
            .automaticTransitionFromOpenToHalfOpenEnabled(false)
            // Only what says the downstream is unwell is recorded as a failure (see DownstreamGatewayFilterFactory);
            // the client's fault must not open a circuit for everyone.
            .ignoreExceptions(PayloadTooLargeException.class)
            .build();
        CircuitBreaker breaker = factory.getCircuitBreakerRegistry().circuitBreaker(routeId, config);
        return new Guard(routeId, downstream, breaker, timeout, settings);
    }
}
