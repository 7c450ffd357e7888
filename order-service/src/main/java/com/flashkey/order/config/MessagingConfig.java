package com.flashkey.order.config;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;

import org.springframework.boot.kafka.autoconfigure.ConcurrentKafkaListenerContainerFactoryConfigurer;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.listener.ContainerProperties;

import com.flashkey.contracts.DeliveryCodes;
import com.flashkey.contracts.EventCodec;
import com.flashkey.contracts.TopicNames;
import com.flashkey.contracts.Topics;

/** Topic names, the event codec, delivery keys, the topics this service produces, and the batch consumer. */
@Configuration(proxyBeanMethods = false)
class MessagingConfig {

    /** Topics order-service produces. */
    static final List<String> PRODUCED = List.of(Topics.ORDER_PLACED, Topics.ORDER_PAID, Topics.ORDER_EXPIRED,
            Topics.ORDER_CANCELLED, Topics.ORDER_REFUND_REQUIRED, Topics.PAYMENT_UNMATCHED, Topics.DELIVERY_RESEND_REQUESTED);

    /** Topics order-service consumes; each gets a dead-letter topic {@code <topic>.DLT}. */
    static final List<String> CONSUMED = List.of(Topics.ORDER_PLACED, Topics.PAYMENT_SUCCEEDED, Topics.KEYS_ALLOCATED,
            Topics.ALLOCATION_FAILED);

    @Bean
    TopicNames topicNames(FlashkeyProperties flashkey) {
        return new TopicNames(flashkey.kafka().topicPrefix());
    }

    @Bean
    EventCodec eventCodec() {
        return new EventCodec();
    }

    @Bean
    DeliveryCodes deliveryCodes(FlashkeyProperties flashkey) {
        return new DeliveryCodes(flashkey.delivery().activeKeyId(), flashkey.delivery().keys());
    }

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    /** So a fresh broker works: the topics we produce and the dead-letter topics of those we consume. */
    @Bean
    KafkaAdmin.NewTopics orderTopics(TopicNames names, OrderProperties properties) {
        List<NewTopic> topics = new ArrayList<>();
        PRODUCED.forEach(t -> topics.add(TopicBuilder.name(names.of(t)).partitions(properties.topicPartitions()).build()));
        CONSUMED.forEach(t -> topics.add(TopicBuilder.name(names.of(t) + ".DLT").partitions(1).build()));
        return new KafkaAdmin.NewTopics(topics.toArray(NewTopic[]::new));
    }

    /**
     * The consumer that drains order.placed: whole polls at a time, one multi-row insert per shard per poll, and one
     * offset commit per poll. It polls at most every {@code ingest.poll-interval}, so at a few orders a second a poll
     * still carries many of them instead of costing the broker a fetch and a commit per order.
     */
    @Bean
    ConcurrentKafkaListenerContainerFactory<Object, Object> batchListenerContainerFactory(
            ConcurrentKafkaListenerContainerFactoryConfigurer configurer, KafkaProperties kafka,
            OrderProperties properties) {
        Map<String, Object> config = kafka.buildConsumerProperties();
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, properties.ingest().batchSize());
        ConcurrentKafkaListenerContainerFactory<Object, Object> factory = new ConcurrentKafkaListenerContainerFactory<>();
        configurer.configure(factory, new DefaultKafkaConsumerFactory<>(config));
        factory.setBatchListener(true);
        factory.setConcurrency(properties.ingest().concurrency());
        ContainerProperties container = factory.getContainerProperties();
        container.setIdleBetweenPolls(properties.ingest().pollInterval().toMillis());
        // The async acknowledgement of a batch does not wake a consumer paused for it: it would nap 100 ms (the
        // default) on every batch, which caps the drain rate; 10 ms costs nothing at rest (it is not paused then).
        container.setPollTimeoutWhilePaused(Duration.ofMillis(10));
        return factory;
    }
}
