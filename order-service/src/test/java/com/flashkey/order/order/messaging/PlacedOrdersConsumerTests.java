package com.flashkey.order.order.messaging;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import reactor.core.publisher.Mono;

import com.flashkey.contracts.EventCodec;
import com.flashkey.contracts.EventEnvelope;
import com.flashkey.contracts.OrderPlaced;
import com.flashkey.order.order.OrderNo;
import com.flashkey.order.order.OrderStore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyList;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.ArgumentMatchers.same;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

/** One poll of order.placed: one statement per shard, each order once, a poison record dead-lettered on its own. */
class PlacedOrdersConsumerTests {

    private final EventCodec codec = new EventCodec();
    private final OrderStore store = mock(OrderStore.class);
    private final DeadLetters deadLetters = mock(DeadLetters.class);
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final Instant now = Instant.parse("2026-12-02T10:00:00Z");
    private long offset;

    PlacedOrdersConsumerTests() {
        when(store.shardCount()).thenReturn(2);
        when(store.insertPlaced(anyInt(), anyList())).thenAnswer(call -> Mono.just((long) call.<List<?>>getArgument(1).size()));
        when(deadLetters.send(any(), any())).thenReturn(Mono.empty());
    }

    @Test
    void whenAPollHoldsDuplicatesThenEachOrderIsStoredOnceWithOneStatementPerShard() {
        OrderPlaced a = placed(0, "a");
        OrderPlaced b = placed(1, "b");
        OrderPlaced c = placed(0, "c");
        List<ConsumerRecord<String, byte[]>> poll = List.of(record(a), record(b), record(a), record(c), record(b));

        consumer().onPlaced(poll).block(Duration.ofSeconds(5));

        @SuppressWarnings("unchecked")
        ArgumentCaptor<List<OrderPlaced>> shard0 = ArgumentCaptor.forClass(List.class);
        @SuppressWarnings("unchecked")
        ArgumentCaptor<List<OrderPlaced>> shard1 = ArgumentCaptor.forClass(List.class);
        verify(store, times(1)).insertPlaced(eq(0), shard0.capture());
        verify(store, times(1)).insertPlaced(eq(1), shard1.capture());
        assertThat(shard0.getValue()).extracting(OrderPlaced::orderNo).containsExactly(a.orderNo(), c.orderNo());
        assertThat(shard1.getValue()).extracting(OrderPlaced::orderNo).containsExactly(b.orderNo());
        verify(deadLetters, never()).send(any(), any());
        assertThat(meters.counter("flashkey.order.ingest.rows", "shard", "0").count()).isEqualTo(2);
        assertThat(meters.counter("flashkey.order.ingest.duplicates", "shard", "0").count()).isEqualTo(1);
        assertThat(meters.counter("flashkey.order.ingest.duplicates", "shard", "1").count()).isEqualTo(1);
    }

    @Test
    void whenAPollHoldsAPoisonRecordThenOnlyThatRecordIsDeadLetteredAndTheOthersAreStored() {
        OrderPlaced a = placed(0, "a");
        OrderPlaced b = placed(1, "b");
        ConsumerRecord<String, byte[]> garbage = new ConsumerRecord<>("order.placed", 0, offset++, "x",
                "{not json".getBytes(StandardCharsets.UTF_8));
        OrderPlaced unknownShard = placed(7, "z");
        ConsumerRecord<String, byte[]> noSuchShard = record(unknownShard);

        consumer().onPlaced(List.of(record(a), garbage, noSuchShard, record(b))).block(Duration.ofSeconds(5));

        verify(deadLetters).send(same(garbage), any());
        verify(deadLetters).send(same(noSuchShard), any());
        verify(deadLetters, times(2)).send(any(), any());
        verify(store).insertPlaced(eq(0), eq(List.of(a)));
        verify(store).insertPlaced(eq(1), eq(List.of(b)));
    }

    @Test
    void whenAShardFailsForAWhileThenItsBatchIsRetriedAndTheAcknowledgementWaitsForIt() {
        OrderPlaced a = placed(0, "a");
        List<Boolean> attempts = new ArrayList<>();
        when(store.insertPlaced(eq(0), anyList())).thenReturn(Mono.defer(() -> {
            attempts.add(true);
            return attempts.size() < 3 ? Mono.error(new IllegalStateException("shard 0 down")) : Mono.just(1L);
        }));

        consumer().onPlaced(List.of(record(a))).block(Duration.ofSeconds(10));

        assertThat(attempts).hasSize(3);
        assertThat(meters.counter("flashkey.order.ingest.rows", "shard", "0").count()).isEqualTo(1);
    }

    private PlacedOrdersConsumer consumer() {
        return new PlacedOrdersConsumer(store, codec, deadLetters, meters);
    }

    private OrderPlaced placed(int shard, String buyer) {
        String orderNo = OrderNo.generate(now, shard).value();
        return new OrderPlaced(orderNo, "SKU-1", 1, buyer + "@example.com", 990, "CNY", "en", "key-" + buyer, now,
                now.plusSeconds(900));
    }

    private ConsumerRecord<String, byte[]> record(OrderPlaced placed) {
        return new ConsumerRecord<>("order.placed", 0, offset++, placed.orderNo(),
                codec.write(EventEnvelope.of(placed, now)));
    }
}
