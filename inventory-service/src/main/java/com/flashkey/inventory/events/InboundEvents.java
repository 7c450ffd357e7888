package com.flashkey.inventory.events;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

import com.flashkey.contracts.Event;
import com.flashkey.contracts.EventCodec;
import com.flashkey.contracts.EventEnvelope;

import io.micrometer.core.instrument.MeterRegistry;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * Runs one consumed record through a handler: a record that is not a well-formed event of the expected type goes
 * straight to {@code <topic>.DLT}; a handler that keeps failing is retried with backoff and jitter (handlers are
 * idempotent), then dead-lettered too, so one record never blocks its partition. The returned Mono completes only
 * after the handler's database work committed (or the record was dead-lettered); the listener container acks then.
 */
@Component
public class InboundEvents {

    private static final Logger log = LoggerFactory.getLogger(InboundEvents.class);
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(10);

    private final EventCodec codec;
    private final KafkaTemplate<String, byte[]> kafka;
    private final MeterRegistry meters;

    public InboundEvents(EventCodec codec, KafkaTemplate<String, byte[]> kafka, MeterRegistry meters) {
        this.codec = codec;
        this.kafka = kafka;
        this.meters = meters;
    }

    public <T extends Event> Mono<Void> handle(ConsumerRecord<String, byte[]> record, Class<T> type,
            Function<EventEnvelope<T>, Mono<?>> handler) {
        if (record.value() == null) {
            return deadLetter(record, "malformed: empty record");
        }
        EventEnvelope<T> envelope;
        try {
            envelope = codec.read(record.value(), type);
        }
        catch (EventCodec.MalformedEventException ex) {
            return deadLetter(record, "malformed: " + ex.getMessage());
        }
        return Mono.defer(() -> handler.apply(envelope)).then()
                .retryWhen(retry())
                .onErrorResume(ex -> deadLetter(record, "handler failed: " + rootCause(ex)));
    }

    /**
     * Runs a whole poll of one topic through one handler call (one database write for the poll instead of one per
     * record). Records that are not well-formed events of the expected type go to {@code <topic>.DLT} on their own;
     * the others reach the handler together, retried as {@link #handle} does, and are dead-lettered (each) only if
     * it keeps failing. Completes when all of that is done, so the container acks the poll after its write.
     */
    public <T extends Event> Mono<Void> handleBatch(List<ConsumerRecord<String, byte[]>> records, Class<T> type,
            Function<List<EventEnvelope<T>>, Mono<?>> handler) {
        List<ConsumerRecord<String, byte[]>> readable = new ArrayList<>(records.size());
        List<EventEnvelope<T>> envelopes = new ArrayList<>(records.size());
        List<Mono<Void>> poison = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> record : records) {
            if (record.value() == null) {
                poison.add(deadLetter(record, "malformed: empty record"));
                continue;
            }
            try {
                envelopes.add(codec.read(record.value(), type));
                readable.add(record);
            }
            catch (EventCodec.MalformedEventException ex) {
                poison.add(deadLetter(record, "malformed: " + ex.getMessage()));
            }
        }
        Mono<Void> work = envelopes.isEmpty() ? Mono.empty()
                : Mono.defer(() -> handler.apply(envelopes)).then()
                        .retryWhen(retry())
                        .onErrorResume(ex -> Flux.fromIterable(readable)
                                .concatMap(record -> deadLetter(record, "handler failed: " + rootCause(ex))).then());
        return work.then(Flux.concat(poison).then());
    }

    /** Handlers are idempotent: retry a failure a few times with backoff and jitter before dead-lettering. */
    private static Retry retry() {
        return Retry.backoff(6, Duration.ofMillis(100)).maxBackoff(Duration.ofSeconds(3)).jitter(0.5);
    }

    private Mono<Void> deadLetter(ConsumerRecord<String, byte[]> record, String reason) {
        meters.counter("inventory.events.dead-lettered", "topic", record.topic()).increment();
        log.error("dead-lettering record topic={} partition={} offset={}: {}", record.topic(), record.partition(),
                record.offset(), reason);
        ProducerRecord<String, byte[]> dlt = new ProducerRecord<>(record.topic() + ".DLT", record.key(), record.value());
        dlt.headers().add("flashkey-dlt-reason", reason.getBytes(StandardCharsets.UTF_8));
        return Mono.fromFuture(() -> kafka.send(dlt)).timeout(SEND_TIMEOUT).then();
    }

    private static String rootCause(Throwable ex) {
        Throwable t = ex;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName();
    }
}
