package com.flashkey.inventory.stock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import org.junit.jupiter.api.Test;
import org.springframework.data.redis.connection.ReactiveRedisConnection;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.connection.ReactiveServerCommands;

import com.flashkey.inventory.config.InventoryProperties;

import reactor.core.publisher.Mono;

class RedisSafetyTests {

    @Test
    void whenRedisRunsNoevictionThenReservationsAreSafe() {
        assertThat(RedisSafety.safePolicy("noeviction")).isTrue();
    }

    @Test
    void whenRedisMayEvictOrHidesItsPolicyThenReservationsAreRefused() {
        assertThat(RedisSafety.safePolicy("allkeys-lru")).isFalse();
        assertThat(RedisSafety.safePolicy("volatile-ttl")).isFalse();
        assertThat(RedisSafety.safePolicy(null)).isFalse();
    }

    @Test
    void whenRedisGivesNoReplyToTheCheckThenTheAnswerIsUnsafeNotNothing() {
        ReactiveRedisConnectionFactory connections = mock(ReactiveRedisConnectionFactory.class);
        ReactiveRedisConnection connection = mock(ReactiveRedisConnection.class);
        ReactiveServerCommands server = mock(ReactiveServerCommands.class);
        when(connections.getReactiveConnection()).thenReturn(connection);
        when(connection.serverCommands()).thenReturn(server);
        when(server.getConfig("maxmemory-policy")).thenReturn(Mono.empty());
        when(connection.closeLater()).thenReturn(Mono.empty());
        InventoryProperties properties = mock(InventoryProperties.class);
        when(properties.requireNoeviction()).thenReturn(true);

        assertThat(new RedisSafety(connections, properties).safe().block()).isFalse();
    }
}
