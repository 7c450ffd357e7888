package com.flashkey.gateway.resilience;

import java.time.Duration;
import java.util.List;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.reactor.circuitbreaker.operator.CircuitBreakerOperator;
import io.github.resilience4j.reactor.timelimiter.TimeLimiterOperator;
import io.micrometer.core.instrument.MeterRegistry;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.factory.AbstractGatewayFilterFactory;
import org.springframework.cloud.gateway.support.HasRouteId;
import org.springframework.http.HttpStatusCode;
import org.springframework.stereotype.Component;

import com.flashkey.gateway.correlation.Correlation;
import com.flashkey.gateway.requestsize.PayloadTooLargeException;

import reactor.core.publisher.Mono;

/**
 * {@code Downstream=<name>,<fallback>}: the call to the downstream runs under its time limiter inside its circuit
 * breaker (both created once, see {@link Downstreams}). A 5xx answer, a timeout, a refused connection or an open
 * circuit is answered with the route's {@link Fallback} instead, at once; nothing waits longer than the limit.
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
        Downstreams.Guard guard = downstreams.guard(config.getName());
        Fallback fallback = config.getFallback();
        String routeId = config.getRouteId();
        return (exchange, chain) -> chain.filter(exchange)
            .then(Mono.fromRunnable(() -> {
                HttpStatusCode status = exchange.getResponse().getStatusCode();
                if (status != null && status.is5xxServerError()) {
                    throw new DownstreamFailedException(guard.name(), status.value());
                }
            }))
            .transformDeferred(TimeLimiterOperator.of(guard.timeLimiter()))
            .transformDeferred(CircuitBreakerOperator.of(guard.circuitBreaker()))
            .onErrorResume(ex -> !(ex instanceof PayloadTooLargeException) && !exchange.getResponse().isCommitted(), ex -> {
                meters.counter("flashkey.gateway.fallback", "route", routeId, "downstream", guard.name(), "reason",
                        reason(ex)).increment();
                try (Correlation.Scope ids = Correlation.mdc(exchange)) {
                    log.warn("Downstream {} failed on route {} ({}); answering {}", guard.name(), routeId,
                            reason(ex), fallback);
                }
                return fallbacks.answer(fallback, exchange, retryAfter(guard, ex),
                        "The " + guard.name() + " service is not answering; retry shortly.");
            })
            .then();
    }

    /** While the circuit is open, the open period (if longer than the usual hint); otherwise the configured hint. */
    private static Duration retryAfter(Downstreams.Guard guard, Throwable ex) {
        Duration hint = guard.settings().retryAfter();
        Duration open = guard.settings().waitInOpenState();
        return ex instanceof CallNotPermittedException && open.compareTo(hint) > 0 ? open : hint;
    }

    private static String reason(Throwable ex) {
        if (ex instanceof CallNotPermittedException) {
            return "circuit-open";
        }
        if (ex instanceof java.util.concurrent.TimeoutException) {
            return "timeout";
        }
        if (ex instanceof DownstreamFailedException failed) {
            return "status-" + failed.status();
        }
        return ex.getClass().getSimpleName();
    }

    /** The downstream answered 5xx: a failure for the breaker. */
    static final class DownstreamFailedException extends RuntimeException {

        private final int status;

        DownstreamFailedException(String downstream, int status) {
            super(downstream + " answered " + status, null, false, false);
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
