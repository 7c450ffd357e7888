package com.flashkey.payment.reconciliation.messaging;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

import com.flashkey.contracts.EventCodec;
import com.flashkey.contracts.OrderPlaced;
import com.flashkey.payment.reconciliation.PendingOrder;
import com.flashkey.payment.reconciliation.PendingOrders;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * Remembers every placed order as pending, so reconciliation knows what to ask the provider about. order.placed
 * arrives at the sale's accept rate, so a whole poll becomes one multi-row insert (idempotent: a redelivered poll
 * changes nothing), acknowledged once it is written (async return). A record that cannot be read goes to
 * order.placed.DLT on its own, with its reason in the {@value #REASON} header; a write that keeps failing (database
 * away) is retried with backoff, then its records are dead-lettered as well, so the partition moves on.
 */
@Component
class OrderPlacedListener {

    static final String REASON = "flashkey-dlt-reason";

    private static final Logger log = LoggerFactory.getLogger(OrderPlacedListener.class);
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(15);

    private final PendingOrders pending;
    private final EventCodec codec;
    private final KafkaTemplate<String, byte[]> kafka;

    OrderPlacedListener(PendingOrders pending, EventCodec codec, KafkaTemplate<String, byte[]> kafka) {
        this.pending = pending;
        this.codec = codec;
        this.kafka = kafka;
    }

    @KafkaListener(containerFactory = "batchListenerContainerFactory",
            topics = "#{@topicNames.of(T(com.flashkey.contracts.Topics).ORDER_PLACED)}")
    Mono<Void> onOrdersPlaced(List<ConsumerRecord<String, byte[]>> records) {
        // One row per order: a producer retry may have put the same order into this poll twice.
        Map<String, PendingOrder> orders = new LinkedHashMap<>();
        List<ConsumerRecord<String, byte[]>> readable = new ArrayList<>(records.size());
        List<Mono<Void>> poison = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> record : records) {
            try {
                if (record.value() == null) {
                    throw new EventCodec.MalformedEventException("empty record");
                }
                OrderPlaced placed = codec.read(record.value(), OrderPlaced.class).data();
                orders.putIfAbsent(placed.orderNo(), new PendingOrder(placed.orderNo(), placed.amountMinor(),
                        placed.currency(), placed.placedAt(), placed.expiresAt()));
                readable.add(record);
            }
            catch (EventCodec.MalformedEventException ex) {
                poison.add(deadLetter(record, "malformed: " + ex.getMessage()));
            }
        }
        Mono<Void> write = orders.isEmpty() ? Mono.empty()
                : Mono.defer(() -> pending.rememberAll(List.copyOf(orders.values())))
                        .retryWhen(Retry.backoff(6, Duration.ofMillis(500)).maxBackoff(Duration.ofSeconds(8)).jitter(0.5))
                        .onErrorResume(ex -> Flux.fromIterable(readable)
                                .concatMap(record -> deadLetter(record, "handler failed: " + ex.getClass().getSimpleName()))
                                .then());
        return write.then(Flux.concat(poison).then());
    }

    private Mono<Void> deadLetter(ConsumerRecord<String, byte[]> record, String reason) {
        return Mono.defer(() -> {
            log.error("dead-lettering record topic={} partition={} offset={}: {}", record.topic(), record.partition(),
                    record.offset(), reason);
            ProducerRecord<String, byte[]> dlt = new ProducerRecord<>(record.topic() + ".DLT", record.key(), record.value());
            dlt.headers().add(REASON, reason.getBytes(StandardCharsets.UTF_8));
            // If even the dead-letter topic refuses, fail: the poll is not acknowledged and comes back.
            return Mono.fromFuture(() -> kafka.send(dlt)).timeout(SEND_TIMEOUT).then();
        });
    }
}
