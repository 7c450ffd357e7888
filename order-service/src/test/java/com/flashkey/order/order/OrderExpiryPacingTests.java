package com.flashkey.order.order;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.scheduler.VirtualTimeScheduler;

import com.flashkey.order.config.OrderProperties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

/**
 * How the expiry paces itself, on virtual time: idle, a shard's pass backs off to the idle pause, but a pass is always
 * planned for the earliest pending deadline plus the grace, so an order still expires within the poll interval of
 * becoming due.
 */
class OrderExpiryPacingTests {

    private static final Instant START = Instant.parse("2026-12-01T12:00:00Z");

    private final VirtualTimeScheduler time = VirtualTimeScheduler.create();
    private final List<Long> passes = new CopyOnWriteArrayList<>();
    private OrderExpiry expiry;

    @AfterEach
    void stop() {
        if (expiry != null) {
            expiry.stop();
        }
        time.dispose();
    }

    @Test
    void whenNothingIsDueThenPassesBackOffButOneRunsWhenThePendingDeadlinePlusGraceArrives() {
        OrderStore store = mock(OrderStore.class);
        when(store.shardCount()).thenReturn(1);
        when(store.dueForExpiry(eq(0), any(), anyInt())).thenAnswer(call -> {
            passes.add(time.now(TimeUnit.MILLISECONDS));
            return Flux.empty();
        });
        // The only pending order's deadline is 30 s away; with the 5 s grace it becomes due at 35 s.
        when(store.nextExpiry(0)).thenReturn(Mono.just(START.plusSeconds(30)));
        OrderProperties properties = mock(OrderProperties.class);
        when(properties.expiry()).thenReturn(new OrderProperties.Expiry(Duration.ofSeconds(1), 200));
        when(properties.paymentTimeout()).thenReturn(Duration.ofMinutes(15));
        when(properties.paymentGrace()).thenReturn(Duration.ofSeconds(5));
        Clock clock = new Clock() {
            @Override
            public Instant instant() {
                return START.plusMillis(time.now(TimeUnit.MILLISECONDS));
            }

            @Override
            public ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(ZoneId zone) {
                return this;
            }
        };
        expiry = new OrderExpiry(store, mock(OrderLifecycle.class), clock, properties, time);

        expiry.start();
        time.advanceTimeBy(Duration.ofSeconds(34));
        // Idle: 1 s, then doubling up to the 10 s idle pause.
        assertThat(passes).containsExactly(1_000L, 2_000L, 4_000L, 8_000L, 16_000L, 26_000L);
        time.advanceTimeBy(Duration.ofSeconds(1));
        assertThat(passes).as("a pass when the order becomes due, not at the next idle poll (36 s)").last()
                .isEqualTo(35_000L);
        // Still due (say its transition keeps failing): retried once per poll interval, not in a tight loop.
        time.advanceTimeBy(Duration.ofSeconds(3));
        assertThat(passes).endsWith(35_000L, 36_000L, 37_000L, 38_000L);
    }
}
