package com.flashkey.gateway.shedding;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.NettyWriteResponseFilter;
import org.springframework.cloud.gateway.filter.OrderedGatewayFilter;
import org.springframework.cloud.gateway.filter.factory.AbstractGatewayFilterFactory;
import org.springframework.cloud.gateway.support.HasRouteId;
import org.springframework.stereotype.Component;

import com.flashkey.gateway.config.GatewayProperties;
import com.flashkey.gateway.problem.Problems;

/**
 * {@code Shed}: admits at most {@code flashkey.gateway.shedding.max-in-flight.<route>} requests of this route at a
 * time; the next one gets 503 {@code unavailable} with Retry-After at once, without touching Redis or the
 * downstream, so what is admitted keeps its latency. Ordered outside the response writer, so a request counts
 * until its body has been written.
 */
@Component
class ShedGatewayFilterFactory extends AbstractGatewayFilterFactory<ShedGatewayFilterFactory.Config> {

    static final int ORDER = NettyWriteResponseFilter.WRITE_RESPONSE_FILTER_ORDER - 10;

    private static final Duration RETRY_AFTER = Duration.ofSeconds(1);

    private final InFlightCounters counters;

    private final GatewayProperties properties;

    private final MeterRegistry meters;

    ShedGatewayFilterFactory(InFlightCounters counters, GatewayProperties properties, MeterRegistry meters) {
        super(Config.class);
        this.counters = counters;
        this.properties = properties;
        this.meters = meters;
    }

    @Override
    public GatewayFilter apply(Config config) {
        String routeId = config.getRouteId();
        int max = properties.shedding().maxInFlight(routeId);
        AtomicInteger inFlight = counters.of(routeId);
        Counter shed = meters.counter("flashkey.gateway.shed", "route", routeId);
        return new OrderedGatewayFilter((exchange, chain) -> {
            if (inFlight.incrementAndGet() > max) {
                inFlight.decrementAndGet();
                shed.increment();
                return Problems.unavailable(exchange, RETRY_AFTER, "The service is at capacity; retry shortly.");
            }
            return chain.filter(exchange).doFinally(signal -> inFlight.decrementAndGet());
        }, ORDER);
    }

    public static class Config implements HasRouteId {

        private String routeId;

        @Override
        public void setRouteId(String routeId) {
            this.routeId = routeId;
        }

        @Override
        public String getRouteId() {
            return routeId;
        }
    }
}
