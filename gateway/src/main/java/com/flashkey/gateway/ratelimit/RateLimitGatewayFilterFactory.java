package com.flashkey.gateway.ratelimit;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.factory.AbstractGatewayFilterFactory;
import org.springframework.cloud.gateway.support.HasRouteId;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

import com.flashkey.gateway.config.GatewayProperties;
import com.flashkey.gateway.config.GatewayProperties.Policy;
import com.flashkey.gateway.problem.Problems;

/**
 * {@code RateLimit=policy[,policy...]}: takes a token from each named policy's bucket for this route (per client
 * or global), all or nothing. Beyond the limit: 429 problem {@code rate-limited} with Retry-After; every answer
 * carries RateLimit-Limit, RateLimit-Remaining and RateLimit-Reset for the tightest bucket.
 */
@Component
class RateLimitGatewayFilterFactory extends AbstractGatewayFilterFactory<RateLimitGatewayFilterFactory.Config> {

    static final String LIMIT = "RateLimit-Limit";

    static final String REMAINING = "RateLimit-Remaining";

    static final String RESET = "RateLimit-Reset";

    private static final Set<HttpMethod> READS = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS);

    private final RateLimiter limiter;

    private final ClientAddressResolver clients;

    private final GatewayProperties properties;

    private final String keyPrefix;

    private final MeterRegistry meters;

    RateLimitGatewayFilterFactory(RateLimiter limiter, ClientAddressResolver clients, GatewayProperties properties,
            @Value("${flashkey.redis.key-prefix:fk:}") String keyPrefix, MeterRegistry meters) {
        super(Config.class);
        this.limiter = limiter;
        this.clients = clients;
        this.properties = properties;
        this.keyPrefix = keyPrefix;
        this.meters = meters;
    }

    @Override
    public List<String> shortcutFieldOrder() {
        return List.of("policies");
    }

    @Override
    public ShortcutType shortcutType() {
        return ShortcutType.GATHER_LIST;
    }

    @Override
    public GatewayFilter apply(Config config) {
        String routeId = config.getRouteId();
        List<NamedPolicy> policies = config.getPolicies().stream().map(name -> {
            Policy policy = properties.rateLimit().policies().get(name);
            if (policy == null) {
                throw new IllegalArgumentException(
                        "Route " + routeId + " names rate-limit policy '" + name + "', not under flashkey.gateway.rate-limit.policies");
            }
            return new NamedPolicy(name, policy);
        }).toList();
        if (!properties.rateLimit().enabled()) {
            return (exchange, chain) -> chain.filter(exchange);
        }
        // One hash tag per route keeps all of a request's buckets in one Redis Cluster slot (one script call), and
        // the requests of one route are decided together.
        String slot = "{" + routeId + "}";
        String routeKey = keyPrefix + "gw:rl:" + slot + ":";
        Map<Decision.Source, Counter> refusals = new EnumMap<>(Decision.Source.class);
        for (Decision.Source source : Decision.Source.values()) {
            refusals.put(source, meters.counter("flashkey.gateway.rate_limited", "route", routeId, "source", source.name()));
        }
        return (exchange, chain) -> {
            String client = clients.client(exchange).key();
            List<Bucket> buckets = new ArrayList<>(policies.size());
            for (NamedPolicy named : policies) {
                String key = named.policy().global() ? routeKey + named.name() : routeKey + named.name() + ":" + client;
                buckets.add(new Bucket(key, named.policy()));
            }
            boolean read = READS.contains(exchange.getRequest().getMethod());
            return limiter.take(slot, buckets, read, RequestEventLoop.of(exchange)).flatMap(decision -> {
                if (decision.source() != Decision.Source.FAIL_OPEN) {
                    HttpHeaders headers = exchange.getResponse().getHeaders();
                    headers.set(LIMIT, Long.toString(decision.limit()));
                    headers.set(REMAINING, Long.toString(decision.remaining()));
                    headers.set(RESET, Long.toString(Problems.retryAfterSeconds(decision.reset())));
                }
                if (decision.allowed()) {
                    return chain.filter(exchange);
                }
                refusals.get(decision.source()).increment();
                exchange.getResponse()
                    .getHeaders()
                    .set(HttpHeaders.RETRY_AFTER, Long.toString(Problems.retryAfterSeconds(decision.retryAfter())));
                return Problems.write(exchange, HttpStatus.TOO_MANY_REQUESTS, "rate-limited", "Too many requests",
                        "Rate limit reached; retry after the time in Retry-After.");
            });
        };
    }

    private record NamedPolicy(String name, Policy policy) {
    }

    public static class Config implements HasRouteId {

        private List<String> policies = new ArrayList<>();

        private String routeId;

        public List<String> getPolicies() {
            return policies;
        }

        public void setPolicies(List<String> policies) {
            this.policies = policies;
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
