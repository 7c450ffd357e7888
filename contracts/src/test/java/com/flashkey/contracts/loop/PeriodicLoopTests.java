package com.flashkey.contracts.loop;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.scheduler.VirtualTimeScheduler;

import static org.assertj.core.api.Assertions.assertThat;

/** The loop on virtual time: the tests move the clock, nothing waits for a real one. */
class PeriodicLoopTests {

    private final VirtualTimeScheduler time = VirtualTimeScheduler.create();
    /** Virtual times (ms) at which a pass ran. */
    private final List<Long> passes = new ArrayList<>();
    private final AtomicLong work = new AtomicLong();
    private final List<Throwable> failures = new ArrayList<>();
    private PeriodicLoop loop;

    @AfterEach
    void stop() {
        if (loop != null) {
            loop.stop();
        }
        time.dispose();
    }

    private PeriodicLoop loop(PeriodicLoop.Pace pace) {
        loop = new PeriodicLoop(pace, () -> Mono.fromSupplier(() -> {
            passes.add(time.now(java.util.concurrent.TimeUnit.MILLISECONDS));
            return work.getAndSet(0);
        }), failures::add, time);
        return loop;
    }

    private void advance(long millis) {
        time.advanceTimeBy(Duration.ofMillis(millis));
    }

    @Test
    void whenIdleThenThePauseDoublesUpToTheSlowestAndWorkSnapsItBack() {
        loop(PeriodicLoop.Pace.polling(Duration.ofMillis(100), Duration.ofMillis(800))).start();
        advance(100 + 100 + 200 + 400 + 800 + 800);
        assertThat(passes).containsExactly(100L, 200L, 400L, 800L, 1600L, 2400L);
        assertThat(loop.currentInterval()).isEqualTo(Duration.ofMillis(800));

        work.set(3); // the pass at 3200 finds work: the next one follows after the fastest pause
        advance(800 + 100 + 100 + 200);
        assertThat(passes).containsExactly(100L, 200L, 400L, 800L, 1600L, 2400L, 3200L, 3300L, 3400L, 3600L);
    }

    @Test
    void whenWokenThenAPassRunsAtOnceWithoutWaitingForThePoll() {
        loop(PeriodicLoop.Pace.polling(Duration.ofSeconds(1), Duration.ofSeconds(30))).start();
        advance(1000 + 1000 + 2000 + 3000); // idle: the next poll is at 8 s
        assertThat(passes).containsExactly(1000L, 2000L, 4000L);

        work.set(1);
        loop.wake();
        advance(0);
        assertThat(passes).containsExactly(1000L, 2000L, 4000L, 7000L);
        advance(1000); // it found work: back to the fastest pause
        assertThat(passes).containsExactly(1000L, 2000L, 4000L, 7000L, 8000L);
    }

    @Test
    void whenWokenDuringAPassThenOneMorePassFollowsIt() {
        Sinks.One<Long> firstPass = Sinks.one();
        List<Long> started = new ArrayList<>();
        loop = new PeriodicLoop(PeriodicLoop.Pace.polling(Duration.ofSeconds(1), Duration.ofSeconds(30)), () -> {
            started.add(time.now(java.util.concurrent.TimeUnit.MILLISECONDS));
            return started.size() == 1 ? firstPass.asMono() : Mono.just(0L);
        }, failures::add, time);
        loop.start();
        advance(1000);
        assertThat(started).containsExactly(1000L);

        // A row committed while the pass runs may be behind its query: the wakes (coalesced) buy one more pass.
        loop.wake();
        loop.wake();
        advance(500);
        assertThat(started).hasSize(1);
        firstPass.tryEmitValue(0L);
        advance(0);
        assertThat(started).containsExactly(1000L, 1500L);
    }

    @Test
    void whenAPassIsAlreadyPlannedSoonerThenWakeWithinKeepsIt() {
        loop(PeriodicLoop.Pace.onDemand(Duration.ofMillis(100), Duration.ofSeconds(5))).start();
        advance(100);
        assertThat(passes).as("one pass after the start, for wakes that came before it").containsExactly(100L);
        loop.wakeWithin(Duration.ofMillis(50));
        loop.wakeWithin(Duration.ofMillis(200));
        advance(49);
        assertThat(passes).containsExactly(100L);
        advance(1);
        assertThat(passes).containsExactly(100L, 150L);
        advance(10_000);
        assertThat(passes).as("on demand: nothing more without a wake").containsExactly(100L, 150L);
        loop.wakeWithin(Duration.ofMillis(200));
        loop.wakeWithin(Duration.ofMillis(20));
        advance(20);
        assertThat(passes).containsExactly(100L, 150L, 10_170L);
    }

    @Test
    void whenAPassFailsThenItIsReportedAndRetriedWithBackOffEvenOnDemand() {
        AtomicLong calls = new AtomicLong();
        loop = new PeriodicLoop(PeriodicLoop.Pace.onDemand(Duration.ofMillis(100), Duration.ofMillis(400)), () -> {
            passes.add(time.now(java.util.concurrent.TimeUnit.MILLISECONDS));
            return calls.incrementAndGet() <= 4 ? Mono.error(new IllegalStateException("db down")) : Mono.just(1L);
        }, failures::add, time);
        loop.start();
        loop.wake();
        advance(100 + 200 + 400 + 400 + 10_000);
        assertThat(passes).containsExactly(0L, 100L, 300L, 700L, 1100L);
        assertThat(calls).as("after the first success: nothing more").hasValue(5);
        assertThat(failures).hasSize(4).allMatch(ex -> ex.getMessage().equals("db down"));
    }

    @Test
    void whenStoppedThenNoPassRunsAndWakesAreIgnored() {
        loop(PeriodicLoop.Pace.fixed(Duration.ofMillis(100))).start();
        advance(250);
        assertThat(passes).containsExactly(100L, 200L);
        loop.stop();
        loop.wake();
        advance(1000);
        assertThat(passes).containsExactly(100L, 200L);
        assertThat(loop.isRunning()).isFalse();
    }

    @Test
    void whenABatchComesBackFullThenDrainAsksForTheNext() {
        List<Long> batches = new ArrayList<>(List.of(10L, 10L, 3L, 10L));
        long total = PeriodicLoop.drain(10, () -> Mono.just(batches.remove(0))).block();
        assertThat(total).isEqualTo(23);
        assertThat(batches).containsExactly(10L);
    }
}
