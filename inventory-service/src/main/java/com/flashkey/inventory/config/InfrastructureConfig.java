package com.flashkey.inventory.config;

import java.time.Clock;
import java.time.Duration;
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
import org.springframework.r2dbc.connection.R2dbcTransactionManager;
import org.springframework.transaction.reactive.TransactionalOperator;

import com.flashkey.contracts.DeliveryCodes;
import com.flashkey.contracts.EventCodec;
import com.flashkey.contracts.TopicNames;
import com.flashkey.contracts.Topics;

import io.r2dbc.spi.ConnectionFactory;

/** Beans that wire infrastructure shared by the features: clock, codec, topics, transactions. */
@Configuration(proxyBeanMethods = false)
class InfrastructureConfig {

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    EventCodec eventCodec() {
        return new EventCodec();
    }

    @Bean
    TopicNames topicNames(SharedProperties.Kafka kafka) {
        return new TopicNames(kafka.topicPrefix());
    }

    @Bean
    DeliveryCodes deliveryCodes(SharedProperties.Delivery delivery) {
        return new DeliveryCodes(delivery.activeKeyId(), delivery.keys());
    }

    @Bean
    TransactionalOperator transactionalOperator(ConnectionFactory connectionFactory) {
        return TransactionalOperator.create(new R2dbcTransactionManager(connectionFactory));
    }

    /** Topics this service produces, plus the dead-letter topics of those it consumes, so a fresh broker works. */
    @Bean
    KafkaAdmin.NewTopics inventoryTopics(TopicNames names, InventoryProperties properties) {
        int partitions = properties.topicPartitions();
        return new KafkaAdmin.NewTopics(java.util.stream.Stream
                .of(Topics.KEYS_ALLOCATED, Topics.ALLOCATION_FAILED, Topics.ORDER_PLACED + ".DLT",
                        Topics.ORDER_PAID + ".DLT", Topics.ORDER_EXPIRED + ".DLT", Topics.ORDER_CANCELLED + ".DLT")
                .map(t -> TopicBuilder.name(names.of(t)).partitions(partitions).replicas(1).build())
                .toArray(NewTopic[]::new));
    }

    /**
     * For order.placed, which arrives at the sale's accept rate: whole polls go to one listener call (one journal
     * write, one offset commit per poll), and it polls at most every {@code flashkey.kafka.batch.poll-interval}, so a
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
