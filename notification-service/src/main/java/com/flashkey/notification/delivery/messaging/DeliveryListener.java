package com.flashkey.notification.delivery.messaging;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.BackOff;
import org.springframework.kafka.annotation.DltHandler;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.annotation.RetryableTopic;
import org.springframework.kafka.retrytopic.RetryTopicHeaders;
import org.springframework.kafka.retrytopic.TopicSuffixingStrategy;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.stereotype.Component;

import com.flashkey.contracts.DeliveryResendRequested;
import com.flashkey.contracts.Event;
import com.flashkey.contracts.EventCodec;
import com.flashkey.contracts.EventCodec.MalformedEventException;
import com.flashkey.contracts.EventEnvelope;
import com.flashkey.contracts.KeysAllocated;
import com.flashkey.notification.delivery.DeliveryEvents;
import com.flashkey.notification.delivery.DeliveryFailure;
import com.flashkey.notification.delivery.DeliveryService;
import com.flashkey.notification.mail.EmailChannel;

import io.micrometer.core.instrument.MeterRegistry;
import reactor.core.publisher.Mono;

/**
 * Consumes keys.allocated and delivery.resend-requested and hands them to {@link DeliveryService}.
 * <p>
 * Failures retry through non-blocking retry topics with exponential back-off ({@code <topic>-retry-0..n}), then land
 * in {@code <topic>.DLT}. All names derive from the prefixed main topic, so they follow
 * {@code flashkey.kafka.topic-prefix}. Permanent failures (invalid address, SMTP 5xx) and malformed records skip the
 * retries and go to the dead-letter topic at once. The record is acknowledged when the returned Mono completes,
 * i.e. after the sent-message log was written.
 */
@Component
class DeliveryListener {

    private static final Logger log = LoggerFactory.getLogger(DeliveryListener.class);
    private static final Pattern ORDER_NO = Pattern.compile("[A-Za-z0-9]{1,40}");
    private static final Pattern PERMANENT = Pattern.compile("failed permanently: ([a-z0-9-]+)");
    private static final Pattern TRANSIENT = Pattern.compile("failed for now: ([A-Za-z0-9-]+)");

    private final EventCodec codec;
    private final DeliveryService deliveries;
    private final DeliveryEvents events;
    private final MeterRegistry meters;
    private final DeliveryGate gate;

    DeliveryListener(EventCodec codec, DeliveryService deliveries, DeliveryEvents events, MeterRegistry meters,
            DeliveryGate gate) {
        this.gate = gate;
        this.codec = codec;
        this.deliveries = deliveries;
        this.events = events;
        this.meters = meters;
    }

    @RetryableTopic(
            attempts = "${flashkey.notification.retry.attempts}",
            backOff = @BackOff(delayString = "${flashkey.notification.retry.initial-delay}",
                    multiplierString = "${flashkey.notification.retry.multiplier}",
                    maxDelayString = "${flashkey.notification.retry.max-delay}"),
            kafkaTemplate = "kafkaTemplate",
            numPartitions = "${flashkey.notification.partitions}",
            exclude = { DeliveryFailure.Permanent.class, MalformedEventException.class },
            traversingCauses = "true",
            retryTopicSuffix = "-retry",
            dltTopicSuffix = ".DLT",
            topicSuffixingStrategy = TopicSuffixingStrategy.SUFFIX_WITH_INDEX_VALUE,
            concurrency = "${flashkey.notification.retry.concurrency}")
    @KafkaListener(topics = { "#{@topicNames.of('keys.allocated')}", "#{@topicNames.of('delivery.resend-requested')}" },
            concurrency = "${flashkey.notification.listener-concurrency}")
    Mono<Void> onDeliveryEvent(ConsumerRecord<String, byte[]> record) {
        // Everything inside defer: with an async return type, an exception thrown before the Mono exists would
        // bypass the retry/dead-letter routing.
        return Mono.defer(() -> {
            EventEnvelope<Event> envelope = decode(record);
            if (envelope.data() instanceof KeysAllocated allocated) {
                return gate.run(deliveries.deliverKeys(envelope.id(), allocated).then());
            }
            if (envelope.data() instanceof DeliveryResendRequested resend) {
                return gate.run(deliveries.redeliverKeys(envelope.id(), resend).then());
            }
            return Mono.error(new MalformedEventException("unexpected event " + envelope.type() + " on " + record.topic()));
        }).doOnError(failure -> log.warn("delivery from {} (key {}) failed: {}", record.topic(), record.key(),
                failure instanceof DeliveryFailure ? failure.getMessage() : failure.getClass().getSimpleName()));
    }

    /**
     * The end of the line: publish notification.failed (someone must look) and count it. The record itself stays
     * on the dead-letter topic for inspection and replay.
     */
    @DltHandler
    Mono<Void> onDeadLetter(ConsumerRecord<String, byte[]> record) {
        return Mono.defer(() -> {
            // The recoverer records the failure in headers; the stack trace holds our cause's message, which names
            // the order and a reason code only.
            String failure = header(record, KafkaHeaders.EXCEPTION_CAUSE_FQCN) + "\n"
                    + header(record, KafkaHeaders.EXCEPTION_MESSAGE) + "\n"
                    + header(record, KafkaHeaders.EXCEPTION_STACKTRACE);
            String reason = reason(failure);
            EventEnvelope<Event> envelope = decodeQuietly(record);
            String orderNo = envelope != null && envelope.orderNo() != null ? envelope.orderNo() : record.key();
            int attempts = attempts(record);
            Mono<Boolean> sentAnyway = envelope == null ? Mono.just(false) : deliveries.alreadySent(envelope.data());
            return sentAnyway.flatMap(sent -> {
                if (sent) {
                    // The buyer has the mail (this was a duplicate, or only the follow-up publish failed and the
                    // relay covers it): nothing to alert on.
                    log.info("dead letter of order {} ({}) needs no alert: the delivery is on record as sent", orderNo,
                            reason);
                    return Mono.<Void>empty();
                }
                meters.counter("flashkey.notification.dead.letters", "channel", EmailChannel.CHANNEL, "reason",
                        reason.startsWith("retries-exhausted") ? "retries-exhausted" : reason).increment();
                log.warn("delivery of order {} dead-lettered after {} attempt(s): {} (from {})", orderNo, attempts,
                        reason, header(record, KafkaHeaders.ORIGINAL_TOPIC));
                return events.failed(orderNo, EmailChannel.CHANNEL, reason, attempts);
            });
        });
    }

    private EventEnvelope<Event> decode(ConsumerRecord<String, byte[]> record) {
        if (record.value() == null) {
            throw new MalformedEventException("empty record on " + record.topic());
        }
        EventEnvelope<Event> envelope = codec.read(record.value());
        String orderNo = envelope.data() instanceof com.flashkey.contracts.OrderEvent oe ? oe.orderNo() : null;
        if (orderNo == null || !ORDER_NO.matcher(orderNo).matches()) {
            throw new MalformedEventException(envelope.type() + " without a valid order number");
        }
        if (envelope.data() instanceof DeliveryResendRequested resend
                && (resend.requestId() == null || resend.requestId().isBlank() || resend.requestId().length() > 64)) {
            throw new MalformedEventException("DeliveryResendRequested of order " + orderNo + " without a valid request id");
        }
        return envelope;
    }

    static String reason(String failure) {
        if (failure.contains(MalformedEventException.class.getSimpleName())) {
            return "malformed-event";
        }
        Matcher permanent = PERMANENT.matcher(failure);
        if (permanent.find()) {
            return permanent.group(1);
        }
        Matcher transientFailure = TRANSIENT.matcher(failure);
        return transientFailure.find() ? "retries-exhausted: " + transientFailure.group(1) : "retries-exhausted";
    }

    private EventEnvelope<Event> decodeQuietly(ConsumerRecord<String, byte[]> record) {
        try {
            return record.value() == null ? null : codec.read(record.value());
        }
        catch (MalformedEventException malformed) {
            return null;
        }
    }

    /** Attempts made: the retry header counts the attempt the record was forwarded for, one past the last made. */
    static int attempts(ConsumerRecord<String, byte[]> record) {
        Header header = record.headers().lastHeader(RetryTopicHeaders.DEFAULT_HEADER_ATTEMPTS);
        if (header == null || header.value() == null) {
            return 1;
        }
        byte[] value = header.value();
        try {
            int next = value.length == Integer.BYTES ? ByteBuffer.wrap(value).getInt()
                    : Integer.parseInt(new String(value, StandardCharsets.UTF_8).trim());
            return Math.max(1, next - 1);
        }
        catch (NumberFormatException ex) {
            return 1;
        }
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null || header.value() == null ? "" : new String(header.value(), StandardCharsets.UTF_8);
    }
}
