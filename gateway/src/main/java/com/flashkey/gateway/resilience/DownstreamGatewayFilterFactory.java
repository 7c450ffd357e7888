package com.flashkey.gateway.resilience;

import java.net.ConnectException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.timeout.ReadTimeoutException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.factory.AbstractGatewayFilterFactory;
import org.springframework.cloud.gateway.support.HasRouteId;
import org.springframework.http.HttpStatusCode;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;

import com.flashkey.gateway.correlation.Correlation;
import com.flashkey.gateway.requestsize.PayloadTooLargeException;

import reactor.core.publisher.Mono;
import reactor.util.context.Context;

/**
 * {@code Downstream=<name>,<fallback>}: the call to the downstream runs under the route's time limit (a read timeout
 * on the connection, {@link DownstreamTimeouts}) inside the route's circuit breaker ({@link Downstreams}). Only what
 * says the downstream is unwell counts as a failure and is answered with the route's {@link Fallback} at once: a
 * refused or timed-out connection, no answer within the limit, 502, 503 or 504, or an open circuit. Any other answer,
 * 500 included, is the downstream's answer to that request: it passes through and counts as a success, so requests
 * that provoke errors cannot open the circuit for everyone.
 */
@Component
class DownstreamGatewayFilterFactory extends AbstractGatewayFilterFactory<DownstreamGatewayFilterFactory.Config> {

    /** Exchange attribute: the gateway wrote this answer itself (never cache it as a downstream answer). */
    static final String ANSWERED_BY_GATEWAY = DownstreamGatewayFilterFactory.class.getName() + ".answered";

    private static final Logger log = LoggerFactory.getLogger(DownstreamGatewayFilterFactory.class);

    private final Downstreams downstreams;

    private final Fallbacks fallbacks;

    private final MeterRegistry meters;

    DownstreamGatewayFilterFactory(Downstreams downstreams, Fallbacks fallbacks, MeterRegistry meters) {
        super(Config.class);
        this.downstreams = downstreams;
        this.fallbacks = fallbacks;
        this.meters = meters;
    }

    @Override
    public List<String> shortcutFieldOrder() {
        return List.of("name", "fallback");
    }

    @Override
    public GatewayFilter apply(Config config) {
        Downstreams.Guard guard = downstreams.guard(config.getRouteId(), config.getName());
        CircuitBreaker breaker = guard.circuitBreaker();
        Context timeout = DownstreamTimeouts.timeout(guard.timeout());
        Fallback fallback = config.getFallback();
        Map<String, Counter> fallbackCounters = new ConcurrentHashMap<>();
        return (exchange, chain) -> {
            if (!breaker.tryAcquirePermission()) {
                return fallback(exchange, guard, fallback, "circuit-open", fallbackCounters);
            }
            Call call = new Call(breaker);
            return DownstreamTimeouts.limit(chain.filter(exchange), timeout)
                .doOnSuccess(done -> call.answered(exchange))
                .onErrorResume(ex -> {
                    call.failed(ex);
                    if (ex instanceof PayloadTooLargeException || exchange.getResponse().isCommitted()) {
                        return Mono.error(ex);
                    }
                    return fallback(exchange, guard, fallback, reason(ex), fallbackCounters);
                })
                .doOnCancel(call::abandoned);
        };
    }

    private Mono<Void> fallback(ServerWebExchange exchange, Downstreams.Guard guard, Fallback fallback, String reason,
            Map<String, Counter> counters) {
        counters.computeIfAbsent(reason, r -> meters.counter("flashkey.gateway.fallback", "route", guard.route(),
                "downstream", guard.downstream(), "reason", r)).increment();
        try (Correlation.Scope ids = Correlation.mdc(exchange)) {
            log.warn("Downstream {} failed on route {} ({}); answering {}", guard.downstream(), guard.route(), reason,
                    fallback);
        }
        return fallbacks.answer(fallback, exchange, retryAfter(guard, reason),
                "The " + guard.downstream() + " service is not answering; retry shortly.");
    }

    /** While the circuit is open, the open period (if longer than the usual hint); otherwise the configured hint. */
    private static Duration retryAfter(Downstreams.Guard guard, String reason) {
        Duration hint = guard.settings().retryAfter();
        Duration open = guard.settings().waitInOpenState();
        return "circuit-open".equals(reason) && open.compareTo(hint) > 0 ? open : hint;
    }

    private static String reason(Throwable ex) {
        if (ex instanceof ReadTimeoutException || ex instanceof java.util.concurrent.TimeoutException) {
            return "timeout";
        }
        if (ex instanceof ConnectException || ex instanceof ConnectTimeoutException) {
            return "connect";
        }
        if (ex instanceof DownstreamFailedException failed) {
            return "status-" + failed.status();
        }
        return ex.getClass().getSimpleName();
    }

    /** 502, 503 and 504 say the downstream (or what stands in front of it) cannot serve anyone right now. */
    static boolean saysUnwell(HttpStatusCode status) {
        int code = status.value();
        return code == 502 || code == 503 || code == 504;
    }

    /** One permitted call: recorded with the breaker exactly once, as an answer, a failure or abandoned. */
    private static final class Call extends AtomicBoolean {

        private final CircuitBreaker breaker;

        private final long started = System.nanoTime();

        Call(CircuitBreaker breaker) {
            this.breaker = breaker;
        }

        /** The downstream's answer headers are in; a 502/503/504 becomes a failure (and the route's fallback). */
        void answered(ServerWebExchange exchange) {
            if (!compareAndSet(false, true)) {
                return;
            }
            HttpStatusCode status = exchange.getResponse().getStatusCode();
            long elapsed = System.nanoTime() - started;
            if (status != null && saysUnwell(status)) {
                DownstreamFailedException failure = new DownstreamFailedException(status.value());
                breaker.onError(elapsed, TimeUnit.NANOSECONDS, failure);
                throw failure;
            }
            breaker.onSuccess(elapsed, TimeUnit.NANOSECONDS);
        }

        void failed(Throwable ex) {
            if (compareAndSet(false, true)) {
                breaker.onError(System.nanoTime() - started, TimeUnit.NANOSECONDS, ex);
            }
        }

        /** The client went away first: the call says nothing about the downstream. */
        void abandoned() {
            if (compareAndSet(false, true)) {
                breaker.releasePermission();
            }
        }
    }

    /** The downstream answered 502, 503 or 504: a failure for the breaker. */
    static final class DownstreamFailedException extends RuntimeException {

        private final int status;

        DownstreamFailedException(int status) {
            super("downstream answered " + status, null, false, false);
            this.status = status;
        }

        int status() {
            return status;
        }
    }

    public static class Config implements HasRouteId {

        private String name;

        private Fallback fallback = Fallback.UNAVAILABLE;

        private String routeId;

        public String getName() {
            return name;
        }

        public void setName(String name) {
            this.name = name;
        }

        public Fallback getFallback() {
            return fallback;
        }

        public void setFallback(Fallback fallback) {
            this.fallback = fallback;
        }

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
