package com.flashkey.notification.config;

import java.time.Clock;

import org.apache.kafka.clients.admin.NewTopic;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.TopicBuilder;

import com.flashkey.contracts.DeliveryCodes;
import com.flashkey.contracts.EventCodec;
import com.flashkey.contracts.TopicNames;
import com.flashkey.contracts.Topics;

@Configuration(proxyBeanMethods = false)
class InfrastructureConfig {

    /** Named so the listener's topic expressions can read {@code #{@topicNames.of('keys.allocated')}}. */
    @Bean
    TopicNames topicNames(@Value("${flashkey.kafka.topic-prefix:}") String prefix) {
        return new TopicNames(prefix);
    }

    @Bean
    EventCodec eventCodec() {
        return new EventCodec();
    }

    @Bean
    DeliveryCodes deliveryCodes(DeliveryKeyProperties keys) {
        return new DeliveryCodes(keys.activeKeyId(), keys.keys());
    }

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    // Topics this service produces, so a fresh broker works. Retry and dead-letter topics are declared by
    // @RetryableTopic itself, under the same prefix because they derive from the prefixed main topic name.
    @Bean
    NewTopic orderDeliveredTopic(TopicNames topics, NotificationProperties properties) {
        return TopicBuilder.name(topics.of(Topics.ORDER_DELIVERED)).partitions(properties.partitions()).build();
    }

    @Bean
    NewTopic notificationFailedTopic(TopicNames topics, NotificationProperties properties) {
        return TopicBuilder.name(topics.of(Topics.NOTIFICATION_FAILED)).partitions(properties.partitions()).build();
    }
}
