package com.flashkey.payment.notification;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.ReactiveHealthIndicator;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.http.MediaType;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.r2dbc.connection.R2dbcTransactionManager;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;
import org.springframework.web.reactive.function.client.WebClient;

import com.flashkey.contracts.TopicNames;
import com.flashkey.contracts.Topics;
import com.flashkey.payment.config.PaymentProperties;

import io.r2dbc.spi.ConnectionFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.util.retry.Retry;

/**
 * Runs the webhook path's code before the service reports ready (the readiness group includes this indicator), as
 * order-service's placement warm-up does: a JVM that takes a webhook storm cold spends its first seconds
 * interpreting and compiling and creating its Kafka producer and database connections, and answers late enough for
 * providers to time out. The warm-up
 * <ul>
 * <li>waits for Kafka to know payment.succeeded (this creates the idempotent producer and fetches its metadata:
 * nothing can be acknowledged before that);</li>
 * <li>runs the group-commit insert of warm-up rows in transactions it rolls back, several at once (the statement,
 * its RETURNING rows, the pool's connections), so no row remains;</li>
 * <li>sends this service's own {@code POST /webhooks/payments/simpay}, correctly signed, with an event type that is
 * not a payment: the web layer, the signature check, the JSON reading and the audit run (each attempt is audited
 * as IGNORED, like any such notification), nothing is recorded or published.</li>
 * </ul>
 * Whatever happens, readiness turns UP at the end, at worst after {@code max-duration}, with a warning: a warm-up that
 * cannot run must not keep the service out of rotation.
 */
@Component("warmUpHealthIndicator")
class WebhookWarmUp implements ReactiveHealthIndicator {

    private static final Logger log = LoggerFactory.getLogger(WebhookWarmUp.class);
    static final String EVENT_TYPE = "flashkey.warm-up";

    private final KafkaTemplate<String, byte[]> kafka;
    private final String topic;
    private final NotificationLedger ledger;
    private final TransactionalOperator rolledBack;
    private final Environment environment;
    private final PaymentProperties.WarmUp settings;
    private final String secret;
    private final String run = Long.toString(System.nanoTime() & 0xFFFFFFL, 36);
    private volatile boolean done;
    private volatile Disposable running;

    WebhookWarmUp(KafkaTemplate<String, byte[]> kafka, TopicNames topics, NotificationLedger ledger,
            ConnectionFactory connections, Environment environment, PaymentProperties properties) {
        this.kafka = kafka;
        this.topic = topics.of(Topics.PAYMENT_SUCCEEDED);
        this.ledger = ledger;
        this.rolledBack = TransactionalOperator.create(new R2dbcTransactionManager(connections));
        this.environment = environment;
        this.settings = properties.warmUp();
        this.secret = properties.providers().simpay().secrets().get(0);
        this.done = !settings.enabled() || settings.requests() == 0;
    }

    @Override
    public Mono<Health> health() {
        return Mono.just(done ? Health.up().build() : Health.outOfService().withDetail("warmUp", "running").build());
    }

    /** Whether the warm-up has finished (or was not wanted). */
    boolean done() {
        return done;
    }

    @EventListener(ApplicationReadyEvent.class)
    void start() {
        if (done) {
            return;
        }
        int port = environment.getRequiredProperty("local.server.port", Integer.class);
        long started = System.nanoTime();
        // Runs beside the started application (which answers liveness meanwhile); the Disposable is kept so
        // shutdown can stop it.
        running = warmUp(port).timeout(settings.maxDuration())
                .doFinally(signal -> done = true)
                .subscribe(rounds -> log.info("warm-up done: {} webhook rounds in {} ms, ready for traffic", rounds,
                        (System.nanoTime() - started) / 1_000_000),
                        ex -> log.warn("warm-up stopped early ({}); ready for traffic anyway", ex.toString()));
    }

    @EventListener(ContextClosedEvent.class)
    void stop() {
        Disposable current = running;
        if (current != null) {
            current.dispose();
        }
    }

    /** Waits for Kafka, warms the insert, then the webhook rounds; emits how many rounds answered 200. */
    Mono<Integer> warmUp(int port) {
        WebClient self = WebClient.builder().baseUrl("http://127.0.0.1:" + port).build();
        AtomicInteger answered = new AtomicInteger();
        // partitionsFor blocks (max.block.ms) while the broker or the topic is missing: off the event loop.
        Mono<Void> kafkaReady = Mono.fromCallable(() -> kafka.partitionsFor(topic))
                .subscribeOn(Schedulers.boundedElastic())
                .retryWhen(Retry.backoff(Long.MAX_VALUE, Duration.ofMillis(200)).maxBackoff(Duration.ofSeconds(2)))
                .then();
        int inserts = Math.max(1, settings.requests() / 10);
        Mono<Void> database = Flux.range(0, inserts)
                .flatMap(i -> insertRolledBack(i).onErrorResume(ex -> Mono.empty()), settings.concurrency())
                .then();
        Mono<Void> webhooks = Flux.range(0, settings.requests())
                .flatMap(i -> deliver(self, i).doOnNext(ok -> {
                    if (ok) {
                        answered.incrementAndGet();
                    }
                }), settings.concurrency())
                .then();
        return kafkaReady.then(database).then(webhooks).then(Mono.fromSupplier(answered::get));
    }

    /** One multi-row insert of warm-up rows, rolled back: the statement's code runs, no row remains. */
    private Mono<Void> insertRolledBack(int i) {
        Instant now = Instant.now();
        List<NotificationLedger.Insert> batch = new ArrayList<>();
        for (int row = 0; row <= i % 16; row++) {
            batch.add(new NotificationLedger.Insert(new PaymentNotification("warm-up", "warm-up-" + run + "-" + i + "-" + row,
                    "WARMUP" + row, 1, "CNY", "warm-up", now), now, now));
        }
        return rolledBack.execute(status -> {
            status.setRollbackOnly();
            return ledger.insertFirst(batch);
        }).then();
    }

    private Mono<Boolean> deliver(WebClient self, int i) {
        byte[] body = ("{\"eventId\":\"warm-up-" + run + "-" + i + "\",\"type\":\"" + EVENT_TYPE
                + "\",\"orderNo\":\"WARMUP" + i + "\",\"amount\":\"0.01\",\"currency\":\"CNY\"}")
                .getBytes(StandardCharsets.UTF_8);
        String signature = SimpaySignature.header(Instant.now().getEpochSecond(), body, secret);
        return self.post().uri("/webhooks/payments/simpay").contentType(MediaType.APPLICATION_JSON)
                .header(SimpaySignature.HEADER, signature).bodyValue(body)
                .exchangeToMono(response -> response.releaseBody().thenReturn(response.statusCode().is2xxSuccessful()))
                .onErrorResume(ex -> Mono.just(false));
    }
}
