package com.flashkey.inventory.stock;

import java.time.Duration;
import java.util.Properties;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.stereotype.Component;

import com.flashkey.inventory.config.InventoryProperties;

import reactor.core.publisher.Mono;

/**
 * Reservations are taken only while Redis runs {@code maxmemory-policy noeviction}: any other policy may evict a
 * counter or a reservation under memory pressure and silently oversell. Checked at start-up and then at most every
 * 30 seconds; a Redis that hides CONFIG counts as unsafe.
 */
@Component
public class RedisSafety {

    private static final Logger log = LoggerFactory.getLogger(RedisSafety.class);
    private static final Duration RECHECK = Duration.ofSeconds(30);

    private final ReactiveRedisConnectionFactory connections;
    private final boolean required;
    private final Mono<Boolean> cached;

    public RedisSafety(ReactiveRedisConnectionFactory connections, InventoryProperties properties) {
        this.connections = connections;
        this.required = properties.requireNoeviction();
        this.cached = Mono.defer(this::check).cache(safe -> RECHECK, ex -> Duration.ZERO, () -> Duration.ZERO);
    }

    /** Whether reservations may be taken now. */
    public Mono<Boolean> safe() {
        return required ? cached : Mono.just(true);
    }

    /** The decision, for a given policy name. */
    static boolean safePolicy(String policy) {
        return "noeviction".equalsIgnoreCase(policy == null ? "" : policy.strip());
    }

    private Mono<Boolean> check() {
        return Mono.usingWhen(Mono.fromSupplier(connections::getReactiveConnection),
                connection -> connection.serverCommands().getConfig("maxmemory-policy"),
                connection -> connection.closeLater())
                .timeout(Duration.ofSeconds(2))
                // No reply at all (a connection dropped mid-command) is a failure to read, never "no decision".
                .switchIfEmpty(Mono.error(() -> new IllegalStateException("no reply to CONFIG GET")))
                .map(config -> policy(config))
                .map(policy -> {
                    boolean safe = safePolicy(policy);
                    if (!safe) {
                        log.error("Redis runs maxmemory-policy '{}', not noeviction: reservations are refused", policy);
                    }
                    return safe;
                })
                .onErrorResume(ex -> {
                    log.error("cannot read Redis maxmemory-policy ({}): reservations are refused", ex.toString());
                    return Mono.just(false);
                });
    }

    private static String policy(Properties config) {
        String value = config.getProperty("maxmemory-policy");
        if (value == null && config.size() == 2) {
            // Some clients return CONFIG GET as alternating name/value entries.
            value = config.getProperty("1");
        }
        return value;
    }

    @EventListener(ApplicationReadyEvent.class)
    void checkAtStartup() {
        // Warm the cache so the first reservation does not wait; the outcome is logged by check().
        safe().subscribe();
    }
}
