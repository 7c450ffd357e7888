package com.flashkey.notification;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads every record of some topics from the beginning on a background thread, for assertions. */
public final class EventTap implements AutoCloseable {

    private final List<ConsumerRecord<String, byte[]>> records = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;

    public EventTap(String bootstrapServers, List<String> topics) {
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false));
        thread = new Thread(() -> {
            try (consumer) {
                List<TopicPartition> assigned = new ArrayList<>();
                while (running) {
                    // Topics created later (dead-letter topics) are picked up when they appear.
                    List<TopicPartition> all = new ArrayList<>();
                    for (String topic : topics) {
                        try {
                            List<PartitionInfo> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(1));
                            if (partitions != null) {
                                partitions.forEach(p -> all.add(new TopicPartition(p.topic(), p.partition())));
                            }
                        }
                        catch (org.apache.kafka.common.errors.TimeoutException notYet) {
                            // the topic does not exist yet
                        }
                    }
                    if (!all.equals(assigned) && all.size() > assigned.size()) {
                        List<TopicPartition> added = new ArrayList<>(all);
                        added.removeAll(assigned);
                        consumer.assign(all);
                        consumer.seekToBeginning(added);
                        assigned = all;
                    }
                    if (assigned.isEmpty()) {
                        Thread.sleep(200);
                        continue;
                    }
                    consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                }
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
            catch (org.apache.kafka.common.errors.InterruptException ex) {
                // closing
            }
        }, "event-tap");
        thread.setDaemon(true);
        thread.start();
    }

    public List<ConsumerRecord<String, byte[]>> records(String topic) {
        return records.stream().filter(r -> r.topic().equals(topic)).toList();
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(5000);
    }
}
