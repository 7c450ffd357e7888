package com.flashkey.order.order.messaging;

import java.time.Clock;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import com.flashkey.contracts.TopicNames;
import com.flashkey.contracts.loop.PeriodicLoop;
import com.flashkey.order.config.OrderProperties;
import com.flashkey.order.config.Shard;
import com.flashkey.order.config.Shards;
import com.flashkey.order.order.OrderEventPublisher;
import com.flashkey.order.order.OrderStore;
import com.flashkey.order.order.ShardLoops;

/**
 * Publishes every shard's outbox, the same shape as every FlashKey relay: a shard's loop is woken by the commit of
 * each outbox row written there by this process, plus a safety poll for rows another replica or a crash left
 * (every {@code outbox.poll-interval} while it finds rows, backing off to {@link #SAFETY_POLL} while it finds none).
 * Per batch, in one transaction on the shard: claim the oldest unsent rows ({@code FOR UPDATE SKIP LOCKED}, so
 * replicas take disjoint rows), send them all and wait for Kafka's acks, mark them sent. A crash before the mark
 * re-sends those rows after restart; consumers de-duplicate by event id or by conditional transition, so a re-send
 * changes nothing.
 */
@Component
class OutboxRelay implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);
    /** Longest pause of the safety poll: rows nobody woke this relay for are published within about this long. */
    static final Duration SAFETY_POLL = Duration.ofSeconds(5);
    /** Retention runs a minute after start and while it finds rows, then backs off to an hour. */
    static final Duration RETENTION_POLL = Duration.ofMinutes(1);
    static final int PURGE_BATCH = 1000;

    private final Shards shards;
    private final OrderEventPublisher publisher;
    private final TopicNames topics;
    private final Clock clock;
    private final OrderProperties.Outbox config;
    private final ShardLoops loops;
    private final ShardLoops retention;

    OutboxRelay(Shards shards, OrderStore store, OrderEventPublisher publisher, TopicNames topics, Clock clock,
            OrderProperties properties) {
        this.shards = shards;
        this.publisher = publisher;
        this.topics = topics;
        this.clock = clock;
        this.config = properties.outbox();
        Duration busy = config.pollInterval();
        this.loops = new ShardLoops(shards.count(),
                PeriodicLoop.Pace.polling(busy, busy.compareTo(SAFETY_POLL) > 0 ? busy : SAFETY_POLL),
                shard -> drainAll(shards.get(shard)), log, "outbox relay");
        store.outboxWritten().connect(loops::wake);
        this.retention = new ShardLoops(shards.count(), PeriodicLoop.Pace.polling(RETENTION_POLL,
                RETENTION_POLL.multipliedBy(60)), shard -> purgeSent(shards.get(shard)), log, "outbox retention");
    }

    /**
     * Deletes rows sent longer than {@code outbox.keep-sent} ago, {@link #PURGE_BATCH} per statement (short locks);
     * answers the number deleted. Unsent rows are never touched.
     */
    Mono<Long> purgeSent(Shard shard) {
        LocalDateTime before = LocalDateTime.ofInstant(clock.instant().minus(config.keepSent()), ZoneOffset.UTC);
        return PeriodicLoop.drain(PURGE_BATCH, () -> shard.db()
                .sql("DELETE FROM outbox WHERE sent_at < ? ORDER BY sent_at LIMIT " + PURGE_BATCH)
                .bind(0, before).fetch().rowsUpdated());
    }

    /** Sends until the shard's outbox is empty; answers the number of rows sent. */
    Mono<Long> drainAll(Shard shard) {
        return PeriodicLoop.drain(config.batchSize(), () -> drainOnce(shard));
    }

    private Mono<Long> drainOnce(Shard shard) {
        Mono<Long> work = shard.db()
                .sql("SELECT id, topic, msg_key, payload FROM outbox WHERE sent_at IS NULL ORDER BY id LIMIT ? "
                        + "FOR UPDATE SKIP LOCKED")
                .bind(0, config.batchSize())
                .map(row -> new Row(row.get("id", Long.class), row.get("topic", String.class),
                        row.get("msg_key", String.class), row.get("payload", byte[].class)))
                .all().collectList()
                .flatMap(rows -> rows.isEmpty() ? Mono.just(0L) : sendAndMark(shard, rows).thenReturn((long) rows.size()));
        return shard.transactions().transactional(work);
    }

    private Mono<Long> sendAndMark(Shard shard, List<Row> rows) {
        // All sends are made, in id order, before the acks are awaited: the producer batches them and keeps their
        // order per partition (one order's events share a key, hence a partition).
        return Flux.fromIterable(rows)
                .flatMapSequential(r -> publisher.send(topics.of(r.topic()), r.key(), r.payload()), rows.size())
                .then(shard.db().sql("UPDATE outbox SET sent_at = ? WHERE id IN ("
                        + rows.stream().map(r -> Long.toString(r.id())).collect(Collectors.joining(",")) + ")")
                        .bind(0, LocalDateTime.ofInstant(clock.instant(), ZoneOffset.UTC)).fetch().rowsUpdated());
    }

    @Override
    public void start() {
        loops.start();
        retention.start();
    }

    @Override
    public void stop() {
        retention.stop();
        loops.stop();
    }

    @Override
    public boolean isRunning() {
        return loops.isRunning();
    }

    @Override
    public int getPhase() {
        return ShardLoops.phase();
    }

    private record Row(long id, String topic, String key, byte[] payload) {
    }
}
