package com.flashkey.payment.config;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.TopicPartition;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.kafka.autoconfigure.ConcurrentKafkaListenerContainerFactoryConfigurer;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.CommonErrorHandler;
import org.springframework.kafka.listener.ContainerProperties;
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

    /**
     * For order.placed, which arrives at the sale's accept rate: whole polls go to one listener call (one multi-row
     * insert, one offset commit per poll), and it polls at most every {@code flashkey.kafka.batch.poll-interval}, so a
     * poll carries what arrived meanwhile instead of costing the broker a fetch and a commit per order.
     */
    @Bean
    ConcurrentKafkaListenerContainerFactory<Object, Object> batchListenerContainerFactory(
            ConcurrentKafkaListenerContainerFactoryConfigurer configurer, KafkaProperties kafka,
            ConsumerBatchProperties batch) {
        Map<String, Object> config = kafka.buildConsumerProperties();
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, batch.maxRecords());
        ConcurrentKafkaListenerContainerFactory<Object, Object> factory = new ConcurrentKafkaListenerContainerFactory<>();
        configurer.configure(factory, new DefaultKafkaConsumerFactory<>(config));
        factory.setBatchListener(true);
        ContainerProperties container = factory.getContainerProperties();
        container.setIdleBetweenPolls(batch.pollInterval().toMillis());
        // The async acknowledgement of a batch does not wake a consumer paused for it: it would nap 100 ms (the
        // default) on every batch, which caps the drain rate; 10 ms costs nothing at rest (it is not paused then).
        container.setPollTimeoutWhilePaused(Duration.ofMillis(10));
        return factory;
    }
}
