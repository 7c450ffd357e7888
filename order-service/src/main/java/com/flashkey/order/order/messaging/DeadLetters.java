package com.flashkey.order.order.messaging;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import org.springframework.stereotype.Component;

import com.flashkey.order.order.OrderEventPublisher;

/** Sends a record that cannot be processed to {@code <topic>.DLT}, so it never blocks its partition. */
@Component
class DeadLetters {

    private static final Logger log = LoggerFactory.getLogger(DeadLetters.class);

    private final OrderEventPublisher publisher;

    DeadLetters(OrderEventPublisher publisher) {
        this.publisher = publisher;
    }

    Mono<Void> send(ConsumerRecord<String, byte[]> record, Throwable why) {
        log.error("record {}-{}@{} (key {}) goes to the dead-letter topic: {}", record.topic(), record.partition(),
                record.offset(), record.key(), why.toString());
        // If even the dead-letter topic refuses, fail: the record is redelivered rather than lost.
        return publisher.send(record.topic() + ".DLT", record.key(), record.value());
    }
}
