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
        // Also a consumer group of the class's own (see TestTopics.registerKafka).
        topics.registerKafka(registry);
        registry.add("flashkey.order.catalog-url", standIns::baseUrl);
        registry.add("flashkey.order.inventory-url", standIns::baseUrl);
    }
}
