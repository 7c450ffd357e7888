package com.flashkey.inventory;

import java.util.List;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.springframework.test.context.DynamicPropertyRegistry;

import com.flashkey.contracts.Topics;
import com.flashkey.testsupport.TestDatabase;
import com.flashkey.testsupport.TestInfrastructure;
import com.flashkey.testsupport.TestRedisNamespace;
import com.flashkey.testsupport.TestTopics;

/**
 * What every inventory integration test class owns: its own database, Redis namespace and topic prefix (inbound order
 * topics, one partition), released after the class. Use as
 * {@code @RegisterExtension static InventoryInfrastructure infra = new InventoryInfrastructure();} and call
 * {@link #register} from the class's {@code @DynamicPropertySource}.
 */
public final class InventoryInfrastructure implements AfterAllCallback {

    private final TestDatabase db = TestInfrastructure.mariaDb().newDatabase("inventory");
    private final TestRedisNamespace redis = TestInfrastructure.redis().newNamespace("inventory");
    private final TestTopics topics = TestInfrastructure.kafka().newTopics("inventory", 1,
            List.of(Topics.ORDER_PLACED, Topics.ORDER_PAID, Topics.ORDER_EXPIRED, Topics.ORDER_CANCELLED));

    public TestDatabase db() {
        return db;
    }

    public TestRedisNamespace redis() {
        return redis;
    }

    public TestTopics topics() {
        return topics;
    }

    /** Points R2DBC, Flyway, Redis (with the key prefix) and Kafka (with the topic prefix) at this class's share. */
    public void register(DynamicPropertyRegistry registry) {
        db.registerR2dbcAndFlyway(registry);
        redis.registerRedis(registry);
        registry.add("flashkey.redis.key-prefix", redis::prefix);
        topics.registerKafka(registry);
    }

    /** The machine is shared with other builds (load far above its 2 cores): generous waits, same invariants. */
    public static void generousTimeouts(DynamicPropertyRegistry registry) {
        registry.add("spring.r2dbc.pool.max-acquire-time", () -> "30s");
        registry.add("flashkey.inventory.redis-timeout", () -> "30s");
        registry.add("spring.data.redis.timeout", () -> "30s");
    }

    @Override
    public void afterAll(ExtensionContext context) {
        // The order JUnit used when these were three fields (reverse of registration); each runs even if one fails.
        try {
            topics.afterAll(context);
        }
        finally {
            try {
                redis.afterAll(context);
            }
            finally {
                db.afterAll(context);
            }
        }
    }
}
