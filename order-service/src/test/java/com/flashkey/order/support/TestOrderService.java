package com.flashkey.order.support;

import org.springframework.test.context.DynamicPropertyRegistry;

import com.flashkey.testsupport.TestRedisNamespace;
import com.flashkey.testsupport.TestTopics;

/** Points the order-service of a test at that test's own shard databases, Redis namespace, topics and stand-ins. */
public final class TestOrderService {

    private TestOrderService() {
    }

    public static void register(DynamicPropertyRegistry registry, ShardDatabases shards, TestRedisNamespace redis,
            TestTopics topics, StandIns standIns) {
        shards.register(registry);
        redis.registerRedis(registry);
        registry.add("flashkey.redis.key-prefix", redis::prefix);
        topics.registerKafka(registry);
        // A consumer group of the test's own: the contexts of earlier classes stay cached with their consumers, and
        // members of one shared group in several contexts rebalance each other (a new context's consumers waited
        // out an old member's 60 s offset commit, and its orders stayed unread past the tests' 45 s waits).
        registry.add("spring.kafka.consumer.group-id", () -> "order-service-" + topics.prefix());
        registry.add("flashkey.order.catalog-url", standIns::baseUrl);
        registry.add("flashkey.order.inventory-url", standIns::baseUrl);
    }
}
