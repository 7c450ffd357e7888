package com.flashkey.order.order.messaging;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.micrometer.core.instrument.MeterRegistry;
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
 */
@Component
class PlacedOrdersConsumer {

    private static final Logger log = LoggerFactory.getLogger(PlacedOrdersConsumer.class);

    private final OrderStore store;
    private final EventCodec codec;
    private final DeadLetters deadLetters;
    private final MeterRegistry meters;

    PlacedOrdersConsumer(OrderStore store, EventCodec codec, DeadLetters deadLetters, MeterRegistry meters) {
        this.store = store;
        this.codec = codec;
        this.deadLetters = deadLetters;
        this.meters = meters;
    }

    @KafkaListener(id = "order-placed-ingest", idIsGroup = false, containerFactory = "batchListenerContainerFactory",
            topics = "${flashkey.kafka.topic-prefix:}" + Topics.ORDER_PLACED)
    Mono<Void> onPlaced(List<ConsumerRecord<String, byte[]>> records) {
        Map<Integer, List<OrderPlaced>> byShard = new TreeMap<>();
        List<Mono<Void>> poison = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> record : records) {
            try {
                OrderPlaced placed = codec.read(record.value(), OrderPlaced.class).data();
                int shard = new OrderNo(placed.orderNo()).shard();
                if (shard >= store.shardCount()) {
                    throw new IllegalArgumentException("order " + placed.orderNo() + " names shard " + shard
                            + " but only " + store.shardCount() + " are configured");
                }
                byShard.computeIfAbsent(shard, s -> new ArrayList<>()).add(placed);
            }
            catch (EventCodec.MalformedEventException | IllegalArgumentException ex) {
                poison.add(deadLetters.send(record, ex));
            }
        }
        Mono<Void> inserts = Flux.fromIterable(byShard.entrySet())
                .flatMap(e -> insert(e.getKey(), e.getValue()))
                .then();
        return inserts.then(Flux.concat(poison).then());
    }

    private Mono<Long> insert(int shard, List<OrderPlaced> placed) {
        long started = System.nanoTime();
        return store.insertPlaced(shard, placed)
                // A shard that is down keeps its batch: retry (bounded backoff, without end) instead of losing orders.
                .retryWhen(Retry.backoff(Long.MAX_VALUE, Duration.ofMillis(100)).maxBackoff(Duration.ofSeconds(5))
                        .doBeforeRetry(s -> log.warn("insert into shard {} failed, retrying: {}", shard,
                                s.failure().toString())))
                .doOnNext(inserted -> {
                    String tag = Integer.toString(shard);
                    meters.counter("flashkey.order.ingest.rows", "shard", tag).increment(inserted);
                    meters.counter("flashkey.order.ingest.duplicates", "shard", tag).increment(placed.size() - inserted);
                    meters.timer("flashkey.order.ingest.batch", "shard", tag)
                            .record(Duration.ofNanos(System.nanoTime() - started));
                });
    }
}
