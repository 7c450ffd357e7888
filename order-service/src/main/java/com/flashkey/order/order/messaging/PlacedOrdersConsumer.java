package com.flashkey.order.order.messaging;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

import com.flashkey.contracts.EventCodec;
import com.flashkey.contracts.OrderPlaced;
import com.flashkey.contracts.Topics;
import com.flashkey.order.order.OrderNo;
import com.flashkey.order.order.OrderStore;

/**
 * Drains order.placed into the shards: each poll becomes one multi-row INSERT IGNORE per shard, so the database
 * sees a few large statements instead of one commit per order. Offsets are committed only after the inserts
 * (async return: the container acknowledges when the Mono completes); a redelivered batch inserts nothing twice.
 * A record that cannot be read goes to order.placed.DLT on its own; the rest of its poll is stored.
 */
@Component
class PlacedOrdersConsumer {

    private static final Logger log = LoggerFactory.getLogger(PlacedOrdersConsumer.class);

    private final OrderStore store;
    private final EventCodec codec;
    private final DeadLetters deadLetters;
    /** Per shard, created once: a batch must not look meters up by name and tags. */
    private final List<ShardMeters> meters;

    PlacedOrdersConsumer(OrderStore store, EventCodec codec, DeadLetters deadLetters, MeterRegistry registry) {
        this.store = store;
        this.codec = codec;
        this.deadLetters = deadLetters;
        this.meters = new ArrayList<>(store.shardCount());
        for (int s = 0; s < store.shardCount(); s++) {
            meters.add(new ShardMeters(registry, Integer.toString(s)));
        }
    }

    @KafkaListener(id = "order-placed-ingest", idIsGroup = false, containerFactory = "batchListenerContainerFactory",
            topics = "${flashkey.kafka.topic-prefix:}" + Topics.ORDER_PLACED)
    Mono<Void> onPlaced(List<ConsumerRecord<String, byte[]>> records) {
        // Per shard, one row per order number: a producer retry may have put the same order into this poll twice.
        Map<Integer, Map<String, OrderPlaced>> byShard = new TreeMap<>();
        List<Mono<Void>> poison = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> record : records) {
            try {
                OrderPlaced placed = codec.read(record.value(), OrderPlaced.class).data();
                int shard = new OrderNo(placed.orderNo()).shard();
                if (shard >= store.shardCount()) {
                    throw new IllegalArgumentException("order " + placed.orderNo() + " names shard " + shard
                            + " but only " + store.shardCount() + " are configured");
                }
                if (byShard.computeIfAbsent(shard, s -> new LinkedHashMap<>()).putIfAbsent(placed.orderNo(), placed) != null) {
                    meters.get(shard).duplicates().increment();
                }
            }
            catch (EventCodec.MalformedEventException | IllegalArgumentException ex) {
                poison.add(deadLetters.send(record, ex));
            }
        }
        Mono<Void> inserts = Flux.fromIterable(byShard.entrySet())
                .flatMap(e -> insert(e.getKey(), List.copyOf(e.getValue().values())))
                .then();
        return inserts.then(Flux.concat(poison).then());
    }

    private Mono<Long> insert(int shard, List<OrderPlaced> placed) {
        long started = System.nanoTime();
        ShardMeters shardMeters = meters.get(shard);
        return store.insertPlaced(shard, placed)
                // A shard that is down keeps its batch: retry (bounded backoff, without end) instead of losing orders.
                .retryWhen(Retry.backoff(Long.MAX_VALUE, Duration.ofMillis(100)).maxBackoff(Duration.ofSeconds(5))
                        .doBeforeRetry(s -> log.warn("insert into shard {} failed, retrying: {}", shard,
                                s.failure().toString())))
                .doOnNext(inserted -> {
                    shardMeters.rows().increment(inserted);
                    shardMeters.duplicates().increment(placed.size() - inserted);
                    shardMeters.batch().record(Duration.ofNanos(System.nanoTime() - started));
                });
    }

    private record ShardMeters(Counter rows, Counter duplicates, Timer batch) {

        ShardMeters(MeterRegistry registry, String shard) {
            this(registry.counter("flashkey.order.ingest.rows", "shard", shard),
                    registry.counter("flashkey.order.ingest.duplicates", "shard", shard),
                    registry.timer("flashkey.order.ingest.batch", "shard", shard));
        }
    }
}
