package com.flashkey.gateway.shedding;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import com.netflix.concurrency.limits.Limiter;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.NettyWriteResponseFilter;
import org.springframework.cloud.gateway.filter.OrderedGatewayFilter;
import org.springframework.cloud.gateway.filter.factory.AbstractGatewayFilterFactory;
import org.springframework.cloud.gateway.support.HasRouteId;
import org.springframework.http.HttpStatusCode;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;

import com.flashkey.gateway.config.GatewayProperties;
import com.flashkey.gateway.config.GatewayProperties.Adaptive;
import com.flashkey.gateway.problem.Problems;

import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;

/**
 * {@code Shed}: admits at most {@code flashkey.gateway.shedding.max-in-flight.<route>} requests of this route at a
 * time; the next one gets 503 {@code unavailable} with Retry-After at once, without touching Redis or the
 * downstream, so what is admitted keeps its latency. Ordered outside the response writer, so a request counts
 * until its body has been written. A route listed under {@code shedding.adaptive} gets a bound that follows the
 * downstream's latency ({@link Adaptive}), never above its max-in-flight.
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
        Adaptive adaptive = properties.shedding().adaptive().get(routeId);
        if (adaptive != null) {
            return adaptive(counters.adaptiveLimiter(routeId, adaptive, max), inFlight, shed);
        }
        return new OrderedGatewayFilter((exchange, chain) -> {
            if (inFlight.incrementAndGet() > max) {
                inFlight.decrementAndGet();
                return shed(exchange, shed);
            }
            return chain.filter(exchange).doFinally(signal -> inFlight.decrementAndGet());
        }, ORDER);
    }

    /**
     * The bound adapts to the answers: one slower than the latency target, or a 502/503/504 (a timeout, a refused
     * connection, an open circuit), counts as the downstream being over capacity; a request the client abandoned, or one the
     * gateway refused itself (429), says nothing about the downstream.
     */
    private static GatewayFilter adaptive(Limiter<Void> limiter, AtomicInteger inFlight, Counter shed) {
        return new OrderedGatewayFilter((exchange, chain) -> {
            Optional<Limiter.Listener> admitted = limiter.acquire(null);
            if (admitted.isEmpty()) {
                return shed(exchange, shed);
            }
            Limiter.Listener listener = admitted.get();
            inFlight.incrementAndGet();
            return chain.filter(exchange).doFinally(signal -> {
                inFlight.decrementAndGet();
                HttpStatusCode status = exchange.getResponse().getStatusCode();
                if (signal == SignalType.CANCEL || status == null || status.value() == 429) {
                    listener.onIgnore();
                }
                else if (overloaded(status)) {
                    listener.onDropped();
                }
                else {
                    listener.onSuccess();
                }
            });
        }, ORDER);
    }

    /**
     * 502, 503 and 504 (the gateway's own fallbacks for timeouts, refused connections and open circuits are 503s)
     * say the downstream is over capacity; a 500 a bad request provoked does not, and must not shrink the bound for
     * everyone.
     */
    private static boolean overloaded(HttpStatusCode status) {
        int code = status.value();
        return code == 502 || code == 503 || code == 504;
    }

    private static Mono<Void> shed(ServerWebExchange exchange, Counter shed) {
        shed.increment();
        return Problems.unavailable(exchange, RETRY_AFTER, "The service is at capacity; retry shortly.");
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
