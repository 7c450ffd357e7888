package com.flashkey.contracts.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.netty.util.Timeout;

class CommandTimeoutsTests {

    private final CommandTimeouts timeouts = new CommandTimeouts("test-timeouts");

    @AfterEach
    void stop() {
        timeouts.stop();
    }

    @Test
    void whenATimeoutIsCancelledThenItLeavesTheQueueAtOnceAndNeverRuns() throws InterruptedException {
        AtomicInteger ran = new AtomicInteger();
        Timeout[] many = new Timeout[10_000];
        for (int i = 0; i < many.length; i++) {
            many[i] = timeouts.newTimeout(t -> ran.incrementAndGet(), 200, TimeUnit.MILLISECONDS);
        }
        assertThat(timeouts.pending()).isEqualTo(10_000);
        for (Timeout t : many) {
            assertThat(t.cancel()).isTrue();
        }
        // The wheel kept cancelled timeouts (and the commands they hold) until its next tick; this queue does not.
        assertThat(timeouts.pending()).isZero();
        assertThat(many[0].isCancelled()).isTrue();
        assertThat(many[0].cancel()).as("a second cancel").isFalse();
        Thread.sleep(400);
        assertThat(ran).hasValue(0);
    }

    @Test
    void whenATimeoutIsNotCancelledThenItsTaskRunsOnceAfterTheDelayAndCannotBeCancelledAnyMore()
            throws InterruptedException {
        CountDownLatch ran = new CountDownLatch(1);
        long start = System.nanoTime();
        Timeout timeout = timeouts.newTimeout(t -> ran.countDown(), 50, TimeUnit.MILLISECONDS);
        assertThat(timeout.timer()).isSameAs(timeouts);
        assertThat(ran.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(50));
        assertThat(timeout.isExpired()).isTrue();
        assertThat(timeout.cancel()).isFalse();
        assertThat(timeouts.pending()).isZero();
    }

    @Test
    void whenATaskFailsThenLaterTimeoutsStillRun() throws InterruptedException {
        timeouts.newTimeout(t -> {
            throw new IllegalStateException("expected by the test");
        }, 1, TimeUnit.MILLISECONDS);
        CountDownLatch later = new CountDownLatch(1);
        timeouts.newTimeout(t -> later.countDown(), 20, TimeUnit.MILLISECONDS);
        assertThat(later.await(5, TimeUnit.SECONDS)).isTrue();
    }
}
