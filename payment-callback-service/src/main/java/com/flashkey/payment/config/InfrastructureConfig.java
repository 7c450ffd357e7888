package com.flashkey.payment.config;

import java.time.Clock;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.TopicPartition;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.CommonErrorHandler;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.util.backoff.ExponentialBackOff;

import com.flashkey.contracts.EventCodec;
import com.flashkey.contracts.Topics;
import com.flashkey.contracts.TopicNames;

/** Kafka topics, the consumer error handler, the event codec and the clock. */
@Configuration(proxyBeanMethods = false)
class InfrastructureConfig {

    static final String DEAD_LETTER_SUFFIX = ".DLT";

    @Bean
    TopicNames topicNames(@Value("${flashkey.kafka.topic-prefix:}") String prefix) {
        return new TopicNames(prefix);
    }

    @Bean
    EventCodec eventCodec() {
        return new EventCodec();
    }

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    /** The topic this service produces, so a fresh broker works. */
    @Bean
    NewTopic paymentSucceededTopic(TopicNames topics, PaymentProperties properties) {
        return TopicBuilder.name(topics.of(Topics.PAYMENT_SUCCEEDED)).partitions(properties.partitions()).build();
    }

    /** Where unreadable order.placed records go. */
    @Bean
    NewTopic orderPlacedDeadLetterTopic(TopicNames topics, PaymentProperties properties) {
        return TopicBuilder.name(topics.of(Topics.ORDER_PLACED) + DEAD_LETTER_SUFFIX)
                .partitions(properties.partitions()).build();
    }

    /**
     * Poison records go to {@code <topic>.DLT} at once; other failures (database down) are retried with backoff and
     * then dead-lettered too, so one record never blocks its partition.
     */
    @Bean
    CommonErrorHandler kafkaErrorHandler(KafkaTemplate<String, byte[]> template) {
        var recoverer = new DeadLetterPublishingRecoverer(template,
                (record, ex) -> new TopicPartition(record.topic() + DEAD_LETTER_SUFFIX, -1));
        var backOff = new ExponentialBackOff(500, 2.0);
        backOff.setMaxElapsedTime(30_000);
        var handler = new DefaultErrorHandler(recoverer, backOff);
        handler.addNotRetryableExceptions(EventCodec.MalformedEventException.class);
        return handler;
    }
}
