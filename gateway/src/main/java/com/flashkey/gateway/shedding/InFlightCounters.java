package com.flashkey.gateway.shedding;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.netflix.concurrency.limits.limit.AIMDLimit;
import com.netflix.concurrency.limits.limiter.SimpleLimiter;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.stereotype.Component;

import com.flashkey.gateway.config.GatewayProperties.Adaptive;

/**
 * One counter (and adaptive limiter) per route for the life of the process, so a route refresh resets neither what
 * is in flight nor what the limiter has learned.
 */
@Component
class InFlightCounters {

    private final Map<String, AtomicInteger> counters = new ConcurrentHashMap<>();

    private final Map<String, SimpleLimiter<Void>> limiters = new ConcurrentHashMap<>();

    private final MeterRegistry meters;

    InFlightCounters(MeterRegistry meters) {
        this.meters = meters;
    }

    AtomicInteger of(String routeId) {
        return counters.computeIfAbsent(routeId, id -> {
            AtomicInteger counter = new AtomicInteger();
            Gauge.builder("flashkey.gateway.in_flight", counter, AtomicInteger::get).tag("route", id).register(meters);
            return counter;
        });
    }

    SimpleLimiter<Void> adaptiveLimiter(String routeId, Adaptive adaptive, int max) {
        return limiters.computeIfAbsent(routeId, id -> {
            AIMDLimit limit = AIMDLimit.newBuilder()
                .initialLimit(Math.min(adaptive.initialLimit(), max))
                .minLimit(Math.min(adaptive.minLimit(), max))
                .maxLimit(max)
                .timeout(adaptive.latencyTarget().toNanos(), TimeUnit.NANOSECONDS)
                .build();
            SimpleLimiter<Void> limiter = SimpleLimiter.newBuilder().named(id).limit(limit).build();
            Gauge.builder("flashkey.gateway.in_flight_limit", limiter, SimpleLimiter::getLimit).tag("route", id)
                .register(meters);
            return limiter;
        });
    }
}
