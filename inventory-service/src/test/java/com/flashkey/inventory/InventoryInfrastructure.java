package com.flashkey.inventory;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.springframework.test.context.DynamicPropertyRegistry;

import com.flashkey.contracts.Event;
import com.flashkey.contracts.EventCodec;
import com.flashkey.contracts.EventEnvelope;
import com.flashkey.contracts.Topics;
import com.flashkey.inventory.stock.Reservation;
import com.flashkey.inventory.stock.ReservationJournal;
import com.flashkey.inventory.stock.ReservationRepository;
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

    /** Publishes one record to this class's {@code topic} (unprefixed name), waiting for the broker's ack. */
    public void send(String topic, String key, byte[] value) throws Exception {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, topics.bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class))) {
            producer.send(new ProducerRecord<>(topics.name(topic), key, value)).get();
        }
    }

    /** Publishes {@code event} in its envelope, keyed as the services key it. */
    public void send(String topic, Event event) throws Exception {
        EventEnvelope<Event> envelope = EventEnvelope.of(event, Instant.now());
        send(topic, envelope.key(), new EventCodec().write(envelope));
    }

    /** Waits until the durable record of {@code orderNo} meets {@code condition} (flushing the journal each time). */
    public static void awaitReservation(ReservationJournal journal, ReservationRepository repository, String orderNo,
            Predicate<Reservation> condition, Duration within) throws InterruptedException {
        long until = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < until) {
            journal.flush().block();
            Reservation r = repository.find(orderNo).block();
            if (r != null && condition.test(r)) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("reservation " + orderNo + " never reached the expected state: "
                + repository.find(orderNo).block());
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
