package com.flashkey.gateway.config;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Configuration of the gateway ({@code flashkey.gateway.*}).
 *
 * @param services where each downstream lives ({@code catalog, inventory, order, payment}); used by the routes
 * @param simulatorEnabled whether {@code /simulator/**} is routed (local and demo only)
 * @param trustedProxies proxies (CIDR or single address) whose {@code X-Forwarded-For} is believed
 * @param maxRequestSize largest request body on public routes
 * @param maxAdminRequestSize largest request body under {@code /api/admin/**} (card key imports)
 * @param accessLog which requests get an access log line
 * @param security admin token validation
 * @param cors storefront origins allowed to call the API from a browser
 * @param rateLimit token-bucket policies and how to behave when Redis is unreachable
 * @param shedding bounds on in-flight requests per route
 * @param degradation the switch that turns non-core routes off during a sale
 * @param lastGood the in-memory copy of the last good catalog answers, served when catalog fails
 * @param downstreams circuit-breaker settings and time limit of the routes to each downstream
 * @param routeLimits per-route overrides of the downstream's time limit and slow-call duration
 * @param connectTimeout longest wait for a TCP connection to a downstream
 */
@Validated
@ConfigurationProperties("flashkey.gateway")
public record GatewayProperties(
        @NotEmpty Map<String, URI> services,
        @DefaultValue("true") boolean simulatorEnabled,
        @NotNull List<String> trustedProxies,
        @NotNull DataSize maxRequestSize,
        @NotNull DataSize maxAdminRequestSize,
        @DefaultValue("ERRORS") AccessLog accessLog,
        @Valid @NotNull Security security,
        @Valid @NotNull Cors cors,
        @Valid @NotNull RateLimit rateLimit,
        @Valid @NotNull Shedding shedding,
        @Valid @NotNull Degradation degradation,
        @Valid @NotNull LastGood lastGood,
        @NotEmpty Map<String, @Valid Downstream> downstreams,
        Map<String, @Valid RouteLimit> routeLimits,
        @DefaultValue("300ms") @NotNull Duration connectTimeout) {

    public GatewayProperties {
        routeLimits = routeLimits == null ? Map.of() : routeLimits;
    }

    /** Which requests are logged when they finish. */
    public enum AccessLog {
        /** Every request. */
        ALL,
        /** Requests answered with 4xx or 5xx. */
        ERRORS,
        /** None. */
        NONE
    }

    /**
     * @param issuer required {@code iss} claim
     * @param jwksUri JWK set of the identity provider (production); empty: HS256 with {@code flashkey.security.jwt-secret}
     */
    public record Security(@NotBlank String issuer, URI jwksUri) {
    }

    /**
     * @param allowedOrigins storefront origins
     * @param maxAge how long browsers may cache a preflight answer
     */
    public record Cors(@NotNull List<String> allowedOrigins, @NotNull Duration maxAge) {
    }

    /**
     * @param enabled false turns every RateLimit filter into a pass-through (for measurements, never in production)
     * @param redisTimeout longest wait for the Redis bucket script before falling back
     * @param redisBackoff after a Redis failure, how long to use the fallback without asking Redis
     * @param localFallbackReplicas gateway replicas sharing a global limit; the in-memory fallback admits
     *        {@code limit / replicas} so the sum stays near the global cap
     * @param knownEmptyMaxHold a bucket Redis reported empty is refused by this replica without asking Redis until
     *        it could hold a token again, but for at most this long (0: always ask Redis)
     * @param policies named token buckets used by the routes' {@code RateLimit} filters
     */
    public record RateLimit(@DefaultValue("true") boolean enabled, @NotNull Duration redisTimeout, @NotNull Duration redisBackoff,
            @Min(1) int localFallbackReplicas, @DefaultValue("1s") @NotNull Duration knownEmptyMaxHold,
            @NotEmpty Map<String, @Valid Policy> policies) {
    }

    /**
     * A token bucket: refills {@code limit} tokens per {@code period}, holds at most {@code burst} (default: limit).
     *
     * @param limit tokens added per period
     * @param period refill period
     * @param burst bucket size
     * @param global one bucket per route for all clients (else one per client)
     */
    public record Policy(@Positive long limit, @NotNull Duration period, @Positive Long burst, boolean global) {

        public long capacity() {
            return burst != null ? burst : limit;
        }

        /** Tokens per millisecond. */
        public double ratePerMilli() {
            return (double) limit / Math.max(1, period.toMillis());
        }
    }

    /**
     * @param defaultMaxInFlight bound for routes without their own entry
     * @param maxInFlight bound per route id
     * @param adaptive routes whose bound also adapts to the downstream's latency (it never exceeds maxInFlight)
     */
    public record Shedding(@Min(1) int defaultMaxInFlight, @NotNull Map<String, @Positive Integer> maxInFlight,
            Map<String, @Valid Adaptive> adaptive) {

        public Shedding {
            adaptive = adaptive == null ? Map.of() : adaptive;
        }

        public int maxInFlight(String routeId) {
            return maxInFlight.getOrDefault(routeId, defaultMaxInFlight);
        }
    }

    /**
     * An in-flight bound that adapts (AIMD): it grows by one while the route is busy and answers come back within
     * {@code latencyTarget}, and shrinks by a tenth for each answer slower than that or failed. Set the target
     * well below the route's timeout, so the gateway refuses the surplus at once instead of queueing it into
     * timeouts that would also open the circuit for everyone.
     *
     * @param latencyTarget an answer slower than this counts as the downstream being over capacity
     * @param initialLimit bound at start-up
     * @param minLimit the bound never goes below this, so a slow downstream still gets traffic to recover with
     */
    public record Adaptive(@NotNull Duration latencyTarget, @Positive int initialLimit, @Positive int minLimit) {
    }

    /**
     * @param active initial state when no admin has set one (the admin setting is shared through Redis)
     * @param refreshInterval how often each gateway re-reads the shared setting
     */
    public record Degradation(boolean active, @NotNull Duration refreshInterval) {
    }

    /**
     * @param maxEntries distinct catalog answers kept
     * @param maxBodySize larger answers are not kept
     * @param refreshInterval a kept answer is copied again at most this often (and not while its ETag is unchanged):
     *        copying every 200 answer cost CPU on every read for a copy used only when catalog fails
     * @param freshFor a kept answer that catalog marked {@code public} with a {@code max-age} is answered by the
     *        gateway itself (the {@code ServeFresh} filter) for this long after catalog last confirmed it, as any
     *        shared HTTP cache may; {@code 0s} turns that off. At most the refresh interval, so a path is confirmed
     *        by catalog about once per this period whatever the traffic
     */
    public record LastGood(@Positive int maxEntries, @NotNull DataSize maxBodySize,
            @DefaultValue("1s") @NotNull Duration refreshInterval, @DefaultValue("1s") @NotNull Duration freshFor) {
    }

    /**
     * Circuit-breaker settings and time limit of the routes to one downstream; every route has its own breaker built
     * from these settings, so one route's failures (or its bad requests) never close another route.
     *
     * @param timeout longest wait for the downstream's answer, unless the route sets its own ({@link RouteLimit}); a
     *        read timeout on the connection: it runs from when the request has been sent until the answer has been
     *        read, and restarts with every read
     * @param retryAfter Retry-After sent when answering 503 for this downstream (while open: the time left open)
     * @param failureRateThreshold percentage of failed calls that opens the circuit
     * @param slowCallDuration calls slower than this count as slow
     * @param slidingWindowSize calls in the count-based window
     * @param minimumNumberOfCalls calls needed before the rate is judged
     * @param waitInOpenState time open before letting trial calls through
     * @param permittedCallsInHalfOpen trial calls when half-open
     */
    public record Downstream(@NotNull Duration timeout, @NotNull Duration retryAfter,
            @DefaultValue("50") float failureRateThreshold, @DefaultValue("2s") Duration slowCallDuration,
            @DefaultValue("20") int slidingWindowSize, @DefaultValue("10") int minimumNumberOfCalls,
            @DefaultValue("5s") Duration waitInOpenState, @DefaultValue("3") int permittedCallsInHalfOpen) {
    }

    /**
     * A route's own limits, where its downstream's do not fit (e.g. admin card-key imports run for seconds).
     *
     * @param timeout the route's time limit (default: its downstream's)
     * @param slowCallDuration calls slower than this count as slow for the route's breaker (default: its downstream's)
     */
    public record RouteLimit(Duration timeout, Duration slowCallDuration) {
    }
}
