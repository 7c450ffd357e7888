package com.flashkey.payment.notification;

import java.util.function.Supplier;

import org.springframework.stereotype.Component;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import reactor.core.publisher.Mono;

/**
 * Webhook meters: outcomes per provider, refused signatures per reason, and the time spent in each stage of an
 * accepted callback ({@code flashkey.payment.webhook.stage{stage=signature|db|kafka}}), which the load test reads.
 */
@Component
public class WebhookMetrics {

    private final MeterRegistry registry;
    private final Timer signature;
    private final Timer db;
    private final Timer kafka;

    WebhookMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.signature = stage("signature");
        this.db = stage("db");
        this.kafka = stage("kafka");
    }

    private Timer stage(String name) {
        return Timer.builder("flashkey.payment.webhook.stage").tag("stage", name)
                .description("Time spent in one stage of handling a payment webhook")
                .publishPercentiles(0.5, 0.99).register(registry);
    }

    void outcome(String provider, String outcome) {
        registry.counter("flashkey.payment.webhooks", "provider", provider, "outcome", outcome).increment();
    }

    void badSignature(String provider, SignatureFailure failure) {
        registry.counter("flashkey.payment.webhook.bad.signature", "provider", provider, "reason", failure.tag())
                .increment();
    }

    <T> T timeSignature(Supplier<T> check) {
        return signature.record(check);
    }

    <T> Mono<T> timeDb(Mono<T> operation) {
        return timed(db, operation);
    }

    <T> Mono<T> timeKafka(Mono<T> operation) {
        return timed(kafka, operation);
    }

    private <T> Mono<T> timed(Timer timer, Mono<T> operation) {
        return Mono.defer(() -> {
            Timer.Sample sample = Timer.start(registry);
            return operation.doFinally(signal -> sample.stop(timer));
        });
    }
}
