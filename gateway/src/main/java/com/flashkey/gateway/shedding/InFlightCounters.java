package com.flashkey.gateway.shedding;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.stereotype.Component;

/** One counter per route for the life of the process, so a route refresh does not reset what is in flight. */
@Component
class InFlightCounters {

    private final Map<String, AtomicInteger> counters = new ConcurrentHashMap<>();

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
}
