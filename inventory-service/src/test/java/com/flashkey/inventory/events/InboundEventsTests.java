package com.flashkey.inventory.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import org.springframework.kafka.core.KafkaTemplate;

import com.flashkey.contracts.EventCodec;
import com.flashkey.contracts.EventEnvelope;
import com.flashkey.contracts.OrderPlaced;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import reactor.core.publisher.Mono;

/** A poll of order.placed through one handler call; a poison record among good ones dead-letters only itself. */
class InboundEventsTests {

    private final EventCodec codec = new EventCodec();
    @SuppressWarnings("unchecked")
    private final KafkaTemplate<String, byte[]> kafka = mock(KafkaTemplate.class);
    private final InboundEvents inbound = new InboundEvents(codec, kafka, new SimpleMeterRegistry());
    private long offset;

    InboundEventsTests() {
        when(kafka.send(any(ProducerRecord.class))).thenReturn(CompletableFuture.completedFuture(null));
    }

    @Test
    void whenAPollHoldsAPoisonRecordThenTheOthersReachTheHandlerInOneCallAndOnlyThePoisonIsDeadLettered() {
        ConsumerRecord<String, byte[]> garbage = new ConsumerRecord<>("order.placed", 0, offset++, "bad1",
                "{not json".getBytes(StandardCharsets.UTF_8));
        List<List<String>> calls = new ArrayList<>();

        inbound.handleBatch(List.of(placed("ord1"), garbage, placed("ord2"), new ConsumerRecord<>("order.placed", 0,
                offset++, "empty1", null)), OrderPlaced.class, envelopes -> {
                    calls.add(envelopes.stream().map(e -> e.data().orderNo()).toList());
                    return Mono.empty();
                }).block(Duration.ofSeconds(5));

        assertThat(calls).containsExactly(List.of("ord1", "ord2"));
        @SuppressWarnings("unchecked")
        ArgumentCaptor<ProducerRecord<String, byte[]>> sent = ArgumentCaptor.forClass(ProducerRecord.class);
        verify(kafka, times(2)).send(sent.capture());
        assertThat(sent.getAllValues()).extracting(ProducerRecord::topic).containsOnly("order.placed.DLT");
        assertThat(sent.getAllValues()).extracting(ProducerRecord::key).containsExactlyInAnyOrder("bad1", "empty1");
        assertThat(sent.getAllValues()).allSatisfy(r -> assertThat(new String(
                r.headers().lastHeader("flashkey-dlt-reason").value(), StandardCharsets.UTF_8)).startsWith("malformed"));
    }

    @Test
    void whenTheHandlerFailsOnceThenTheWholePollIsRetriedAndNothingIsDeadLettered() {
        List<Integer> attempts = new ArrayList<>();

        inbound.handleBatch(List.of(placed("ord3"), placed("ord4")), OrderPlaced.class, envelopes -> Mono.defer(() -> {
            attempts.add(envelopes.size());
            return attempts.size() == 1 ? Mono.error(new IllegalStateException("database away")) : Mono.empty();
        })).block(Duration.ofSeconds(10));

        assertThat(attempts).containsExactly(2, 2);
        verify(kafka, times(0)).send(any(ProducerRecord.class));
    }

    private ConsumerRecord<String, byte[]> placed(String orderNo) {
        Instant now = Instant.now();
        OrderPlaced placed = new OrderPlaced(orderNo, "SKU-1", 1, orderNo + "@example.com", 990, "CNY", "en", "k-" + orderNo,
                now, now.plusSeconds(900));
        return new ConsumerRecord<>("order.placed", 0, offset++, orderNo, codec.write(EventEnvelope.of(placed, now)));
    }
}
