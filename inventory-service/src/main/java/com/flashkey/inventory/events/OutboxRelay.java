package com.flashkey.inventory.events;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;

import com.flashkey.contracts.loop.PeriodicLoop;
import com.flashkey.inventory.config.InventoryProperties;

import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Publishes the outbox, the same shape as every FlashKey relay: woken by the commit of each append in this process,
 * plus a safety poll for rows another replica or a crash left (every {@code outbox-interval} while it finds rows,
 * backing off to {@link #SAFETY_POLL} while it finds none). Per batch, in one transaction: claim the oldest unsent
 * rows ({@code FOR UPDATE SKIP LOCKED}, so replicas take disjoint rows), send them all and wait for Kafka's acks
 * (acks=all, idempotent producer, sent in id order so one order's events keep their order), mark them sent.
 * At-least-once: a crash between the acks and the mark publishes the rows again, which consumers de-duplicate.
 */
@Component
public class OutboxRelay implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(10);
    /** Longest pause of the safety poll: rows nobody woke this relay for are published within about this long. */
    static final Duration SAFETY_POLL = Duration.ofSeconds(5);
    private static final int BATCH = 200;
    /** Retention runs a minute after start and while it finds rows, then backs off to an hour. */
    static final Duration RETENTION_POLL = Duration.ofMinutes(1);
    static final int PURGE_BATCH = 1000;

    private final Outbox outbox;
    private final KafkaTemplate<String, byte[]> kafka;
    private final TransactionalOperator tx;
    private final PeriodicLoop loop;
    private final PeriodicLoop retention;
    private final Duration keepSent;
    private final Clock clock;

    public OutboxRelay(Outbox outbox, KafkaTemplate<String, byte[]> kafka, TransactionalOperator tx,
            InventoryProperties properties, Clock clock) {
        this.outbox = outbox;
        this.kafka = kafka;
        this.tx = tx;
        Duration busy = properties.outboxInterval();
        this.loop = new PeriodicLoop(PeriodicLoop.Pace.polling(busy, busy.compareTo(SAFETY_POLL) > 0 ? busy : SAFETY_POLL),
                this::publishPending, ex -> log.warn("outbox relay could not publish: {}", ex.toString()));
        outbox.written().connect(lane -> loop.wake());
        this.keepSent = properties.outboxKeepSent();
        this.clock = clock;
        this.retention = new PeriodicLoop(PeriodicLoop.Pace.polling(RETENTION_POLL, RETENTION_POLL.multipliedBy(60)),
                this::purgeSent, ex -> log.warn("outbox retention failed, will retry: {}", ex.toString()));
    }

    /** Deletes rows sent longer than {@code outbox-keep-sent} ago, {@link #PURGE_BATCH} per statement. */
    public Mono<Long> purgeSent() {
        return PeriodicLoop.drain(PURGE_BATCH, () -> outbox.deleteSentBefore(clock.instant().minus(keepSent), PURGE_BATCH));
    }

    /** Publishes what is pending now; completes with the number of rows sent. */
    public Mono<Long> publishPending() {
        return PeriodicLoop.drain(BATCH, this::publishBatch);
    }

    private Mono<Long> publishBatch() {
        return tx.transactional(outbox.claimUnsent(BATCH).collectList()
                .flatMap(rows -> rows.isEmpty() ? Mono.just(0L)
                        : sendAll(rows).then(outbox.markSent(rows)).thenReturn((long) rows.size())));
    }

    private Mono<Void> sendAll(List<Outbox.Pending> rows) {
        // send() may block for metadata or buffer space (max.block.ms): off the loop's scheduler. All sends are made
        // before the first ack is awaited, in id order: the producer batches them and keeps their order per partition.
        return Mono.fromCallable(() -> {
                    List<CompletableFuture<?>> sends = new ArrayList<>(rows.size());
                    for (Outbox.Pending row : rows) {
                        sends.add(kafka.send(new ProducerRecord<>(row.topic(), row.key(), row.payload())));
                    }
                    return CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new));
                })
                .subscribeOn(Schedulers.boundedElastic())
                .flatMap(Mono::fromFuture)
                .timeout(SEND_TIMEOUT)
                .then();
    }

    @Override
    public void start() {
        loop.start();
        retention.start();
    }

    @Override
    public void stop() {
        retention.stop();
        loop.stop();
    }

    @Override
    public boolean isRunning() {
        return loop.isRunning();
    }
}
