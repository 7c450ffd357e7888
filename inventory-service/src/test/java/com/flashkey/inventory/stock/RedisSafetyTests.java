package com.flashkey.inventory.stock;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

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
}
