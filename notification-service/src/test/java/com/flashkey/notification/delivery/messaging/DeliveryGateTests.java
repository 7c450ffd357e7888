package com.flashkey.notification.delivery.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.flashkey.notification.TestProperties;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

class DeliveryGateTests {

    private final DeliveryGate gate = new DeliveryGate(TestProperties.notification()); // max-in-flight 16
    private final AtomicInteger running = new AtomicInteger();
    private final AtomicInteger peak = new AtomicInteger();
    private final AtomicInteger done = new AtomicInteger();

    @AfterEach
    void close() {
        gate.destroy();
    }

    private Mono<Void> work() {
        return Mono.defer(() -> {
            peak.accumulateAndGet(running.incrementAndGet(), Math::max);
            return Mono.delay(Duration.ofMillis(5)).then();
            // doOnTerminate runs before completion reaches the gate (doFinally would run after the next job starts).
        }).doOnTerminate(() -> {
            running.decrementAndGet();
            done.incrementAndGet();
        });
    }

    @Test
    void whenManyDeliveriesArriveAtOnceFromManyThreadsThenAllCompleteAndNeverMoreThanTheLimitRun() {
        // 400 submissions from parallel threads, like several Kafka consumer threads handing records off.
        StepVerifier.create(Flux.range(0, 400)
                        .parallel(8).runOn(Schedulers.parallel())
                        .flatMap(i -> gate.run(work()))
                        .sequential())
                .expectComplete()
                .verify(Duration.ofSeconds(30));

        assertThat(done).hasValue(400);
        assertThat(peak.get()).isBetween(1, 16);
        assertThat(running).hasValue(0);
    }

    @Test
    void whenOneDeliveryFailsThenOnlyItsCallerSeesTheErrorAndTheGateKeepsWorking() {
        StepVerifier.create(gate.run(Mono.error(new IllegalStateException("smtp down"))))
                .expectErrorMessage("smtp down")
                .verify(Duration.ofSeconds(5));

        StepVerifier.create(gate.run(work())).expectComplete().verify(Duration.ofSeconds(5));
        assertThat(done).hasValue(1);
    }
}
