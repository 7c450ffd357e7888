package com.flashkey.gateway.degradation;

import java.time.Duration;
import java.time.Instant;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.stereotype.Component;

import com.flashkey.contracts.loop.PeriodicLoop;
import com.flashkey.gateway.config.GatewayProperties;

import reactor.core.publisher.Mono;

/**
 * Whether non-core routes are degraded. The configured value holds until an admin sets one; that setting is kept
 * in Redis so every gateway replica follows it (each re-reads it every refresh interval). If Redis cannot be
 * reached the last known state stays in force.
 */
@Component
public class DegradationSwitch implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(DegradationSwitch.class);

    private static final Duration REDIS_TIMEOUT = Duration.ofSeconds(1);

    /** The switch as seen by this replica. */
    public record State(boolean active, Source source, Instant since) {
    }

    /** Where the state came from. */
    public enum Source {
        CONFIGURATION, ADMIN
    }

    private final ReactiveStringRedisTemplate redis;

    private final String key;

    private final boolean configured;

    private final Duration refreshInterval;

    private volatile State state;

    private final PeriodicLoop refresher;

    DegradationSwitch(ReactiveStringRedisTemplate redis, GatewayProperties properties,
            @Value("${flashkey.redis.key-prefix:fk:}") String keyPrefix) {
        this.redis = redis;
        this.key = keyPrefix + "gw:degradation";
        this.configured = properties.degradation().active();
        this.refreshInterval = properties.degradation().refreshInterval();
        this.state = new State(configured, Source.CONFIGURATION, Instant.now());
        // The shared loop shape at a fixed pace: the switch must follow an admin within the refresh interval.
        this.refresher = new PeriodicLoop(PeriodicLoop.Pace.fixed(refreshInterval), () -> refresh().thenReturn(0L),
                ex -> log.warn("degradation switch refresh failed: {}", ex.toString()));
    }

    public boolean active() {
        return state.active();
    }

    public State state() {
        return state;
    }

    /** Sets the switch for every replica; fails (no local change) if Redis cannot record it. */
    public Mono<State> set(boolean active) {
        return redis.opsForValue().set(key, active ? "on" : "off").timeout(REDIS_TIMEOUT).map(ok -> {
            apply(active ? "on" : "off");
            log.info("Degradation switch set {} by an admin", active ? "ON" : "OFF");
            return state;
        });
    }

    private Mono<Void> refresh() {
        return redis.opsForValue()
            .get(key)
            .timeout(REDIS_TIMEOUT)
            .defaultIfEmpty("")
            .doOnNext(this::apply)
            .onErrorResume(ex -> Mono.empty())
            .then();
    }

    private void apply(String stored) {
        State current = state;
        State next = switch (stored) {
            case "on" -> new State(true, Source.ADMIN, current.since());
            case "off" -> new State(false, Source.ADMIN, current.since());
            default -> new State(configured, Source.CONFIGURATION, current.since());
        };
        if (next.active() != current.active() || next.source() != current.source()) {
            state = new State(next.active(), next.source(), Instant.now());
        }
    }

    @Override
    public void start() {
        // A background poll for the life of the process (not tied to a request); the first read at once.
        refresher.start();
        refresher.wake();
    }

    @Override
    public void stop() {
        refresher.stop();
    }

    @Override
    public boolean isRunning() {
        return refresher.isRunning();
    }
}
