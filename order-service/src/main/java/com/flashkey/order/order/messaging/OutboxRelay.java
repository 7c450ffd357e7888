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

import org.springframework.stereotype.Component;

import com.flashkey.contracts.TopicNames;
import com.flashkey.order.config.OrderProperties;
import com.flashkey.order.config.Shard;
import com.flashkey.order.config.Shards;
import com.flashkey.order.order.OrderEventPublisher;
import com.flashkey.order.order.PerShardLoop;

/**
 * Publishes every shard's outbox. Per poll, in one transaction on the shard: claim the oldest unsent rows
 * ({@code FOR UPDATE SKIP LOCKED}, so replicas take disjoint rows), send them and wait for Kafka's acks, mark them
 * sent. A crash before the mark re-sends those rows after restart; consumers de-duplicate by event id or by
 * conditional transition, so a re-send changes nothing.
 */
@Component
class OutboxRelay extends PerShardLoop {

    private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);

    private final Shards shards;
    private final OrderEventPublisher publisher;
    private final TopicNames topics;
    private final Clock clock;
    private final OrderProperties.Outbox config;

    OutboxRelay(Shards shards, OrderEventPublisher publisher, TopicNames topics, Clock clock,
            OrderProperties properties) {
        super(log, "outbox relay");
        this.shards = shards;
        this.publisher = publisher;
        this.topics = topics;
        this.clock = clock;
        this.config = properties.outbox();
    }

    @Override
    protected Duration pollInterval() {
        return config.pollInterval();
    }

    @Override
    protected int shardCount() {
        return shards.count();
    }

    @Override
    protected Mono<Long> pass(int shard) {
        return drainAll(shards.get(shard));
    }

    /** Sends until the shard's outbox is empty; answers the number of rows sent. */
    Mono<Long> drainAll(Shard shard) {
        return drainOnce(shard).expand(sent -> sent == config.batchSize() ? drainOnce(shard) : Mono.empty())
                .reduce(0L, Long::sum);
    }

    private Mono<Long> drainOnce(Shard shard) {
        Mono<Long> work = shard.db()
                .sql("SELECT id, topic, msg_key, payload FROM outbox WHERE sent_at IS NULL ORDER BY id LIMIT ? "
                        + "FOR UPDATE SKIP LOCKED")
                .bind(0, config.batchSize())
                .map(row -> new Row(row.get("id", Long.class), row.get("topic", String.class),
                        row.get("msg_key", String.class), row.get("payload", byte[].class)))
                .all().collectList()
                .flatMap(rows -> rows.isEmpty() ? Mono.just(0L) : sendAndMark(shard, rows));
        return shard.transactions().transactional(work);
    }

    private Mono<Long> sendAndMark(Shard shard, List<Row> rows) {
        // Sent in order (one order's events share a key, hence a partition, hence keep their order).
        return Flux.fromIterable(rows).concatMap(r -> publisher.send(topics.of(r.topic()), r.key(), r.payload()))
                .then(shard.db().sql("UPDATE outbox SET sent_at = ? WHERE id IN ("
                        + rows.stream().map(r -> Long.toString(r.id())).collect(Collectors.joining(",")) + ")")
                        .bind(0, LocalDateTime.ofInstant(clock.instant(), ZoneOffset.UTC)).fetch().rowsUpdated());
    }

    private record Row(long id, String topic, String key, byte[] payload) {
    }
}
