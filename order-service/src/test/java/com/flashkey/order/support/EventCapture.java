package com.flashkey.order.support;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import com.flashkey.contracts.EventCodec;
import com.flashkey.contracts.EventEnvelope;
import com.flashkey.contracts.OrderEvent;
import com.flashkey.testsupport.TestTopics;

import static org.awaitility.Awaitility.await;

/** Plays the other services on Kafka: publishes their events and records what order-service publishes. */
public final class EventCapture implements AutoCloseable {

    private final EventCodec codec = new EventCodec();
    private final TestTopics topics;
    private final KafkaProducer<String, byte[]> producer;
    private final List<Captured> captured = new CopyOnWriteArrayList<>();
    private final Thread poller;
    private volatile boolean running = true;

    public EventCapture(TestTopics topics, List<String> listenTo) {
        this.topics = topics;
        this.producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, topics.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new ByteArraySerializer());
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, topics.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "capture-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                // notice partitions added after subscribing (the service's topic declarations may add some)
                ConsumerConfig.METADATA_MAX_AGE_CONFIG, 1000), new StringDeserializer(), new ByteArrayDeserializer());
        consumer.subscribe(listenTo.stream().map(topics::name).toList());
        this.poller = new Thread(() -> {
            try (consumer) {
                while (running) {
                    for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                        String topic = r.topic().substring(topics.prefix().length());
                        EventEnvelope<?> envelope = null;
                        try {
                            envelope = codec.read(r.value());
                        }
                        catch (EventCodec.MalformedEventException ex) {
                            // dead letters keep their (malformed) bytes
                        }
                        captured.add(new Captured(topic, r.key(), envelope, r.value()));
                    }
                }
            }
        }, "event-capture");
        poller.setDaemon(true);
        poller.start();
    }

    public void publish(String topic, OrderEvent event) {
        send(topic, event.orderNo(), codec.write(EventEnvelope.of(event, Instant.now())));
    }

    public void send(String topic, String key, byte[] payload) {
        try {
            producer.send(new ProducerRecord<>(topics.name(topic), key, payload)).get(10, TimeUnit.SECONDS);
        }
        catch (Exception ex) {
            throw new IllegalStateException(ex);
        }
    }

    /** Sends without waiting for each acknowledgement (bulk loading); {@link #flush()} waits for all. */
    public void publishAsync(String topic, OrderEvent event) {
        producer.send(new ProducerRecord<>(topics.name(topic), event.orderNo(),
                codec.write(EventEnvelope.of(event, Instant.now()))));
    }

    public void flush() {
        producer.flush();
    }

    public List<Captured> on(String topic, String key) {
        return captured.stream().filter(c -> c.topic().equals(topic) && key.equals(c.key())).toList();
    }

    public Captured awaitOne(String topic, String key) {
        await().atMost(Duration.ofSeconds(30)).until(() -> !on(topic, key).isEmpty());
        return on(topic, key).get(0);
    }

    public boolean any(Predicate<Captured> filter) {
        return captured.stream().anyMatch(filter);
    }

    @Override
    public void close() {
        running = false;
        producer.close(Duration.ofSeconds(5));
        try {
            poller.join(5000);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }

    /** One record seen on a topic (topic without the test prefix). */
    public record Captured(String topic, String key, EventEnvelope<?> envelope, byte[] raw) {
    }
}
