package com.flashkey.payment.notification;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.springframework.stereotype.Component;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
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
    private final DistributionSummary batchRows;
    private final Map<String, Map<String, Counter>> outcomes = new ConcurrentHashMap<>();
    private final Map<String, Map<SignatureFailure, Counter>> badSignatures = new ConcurrentHashMap<>();

    WebhookMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.signature = stage("signature");
        this.db = stage("db");
        this.kafka = stage("kafka");
        this.batchRows = DistributionSummary.builder("flashkey.payment.db.batch.rows")
                .description("Callbacks recorded by one multi-row insert (group commit)").register(registry);
    }

    private Timer stage(String name) {
        // No client-side percentiles: they cost every webhook a few histogram updates (about 2% of its CPU in a
        // profile); sum, count and max are what the load script reads, and Prometheus can derive the rest.
        return Timer.builder("flashkey.payment.webhook.stage").tag("stage", name)
                .description("Time spent in one stage of handling a payment webhook").register(registry);
    }

    void outcome(String provider, String outcome) {
        // Created once per (provider, outcome), both from small fixed sets (see WebhookReceiver); two map reads and no
        // allocation per webhook.
        outcomes.computeIfAbsent(provider, p -> new ConcurrentHashMap<>())
                .computeIfAbsent(outcome, o -> registry.counter("flashkey.payment.webhooks", "provider", provider,
                        "outcome", o))
                .increment();
    }

    void badSignature(String provider, SignatureFailure failure) {
        badSignatures.computeIfAbsent(provider, p -> new ConcurrentHashMap<>())
                .computeIfAbsent(failure, f -> registry.counter("flashkey.payment.webhook.bad.signature",
                        "provider", provider, "reason", f.tag()))
                .increment();
    }

    /** Records a signature check that took {@code nanos}. */
    void signatureChecked(long nanos) {
        signature.record(nanos, TimeUnit.NANOSECONDS);
    }

    /** Records how long one callback waited for its row, from its arrival to its batch's commit. */
    void recorded(long nanos) {
        db.record(nanos, TimeUnit.NANOSECONDS);
    }

    /** Records, for each of {@code callbacks}, a publish that took {@code nanos} until the broker's acknowledgement. */
    void published(long nanos, int callbacks) {
        for (int i = 0; i < callbacks; i++) {
            kafka.record(nanos, TimeUnit.NANOSECONDS);
        }
    }

    /** Gauges of the group commit: callbacks waiting for the next insert, and inserts running. */
    void groupCommit(GroupCommit<?, ?> group) {
        Gauge.builder("flashkey.payment.db.batch.waiting", group, GroupCommit::waiting)
                .description("Callbacks waiting to join the next multi-row insert").register(registry);
        Gauge.builder("flashkey.payment.db.batch.in.flight", group, GroupCommit::inFlight)
                .description("Batches being recorded (multi-row insert, then the first copies' publish)")
                .register(registry);
    }

    /** Counts the rows of one group-commit statement. */
    <T> Mono<T> recordBatch(int rows, Mono<T> statement) {
        batchRows.record(rows);
        return statement;
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
