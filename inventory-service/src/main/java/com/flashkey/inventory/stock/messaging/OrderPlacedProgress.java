package com.flashkey.inventory.stock.messaging;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.stereotype.Component;

import com.flashkey.contracts.TopicNames;
import com.flashkey.contracts.Topics;

import reactor.core.publisher.Mono;

/**
 * How far this service's order.placed listener has got: whether every order.placed appended to the topic before a
 * given moment has been recorded. Offsets are committed only after the journal wrote a poll's rows, so "the group's
 * committed offset reached the end offset read after {@code t}" means every order.placed written before {@code t}
 * is in the database. Asked by the orphan sweep only when it has candidates; the admin client opens on first use.
 */
@Component
public class OrderPlacedProgress implements DisposableBean {

    /** The listener whose progress counts ({@link OrderLifecycleListener#onOrdersPlaced}). */
    static final String LISTENER_ID = "inventory-order-placed";

    private static final Duration ASK_TIMEOUT = Duration.ofSeconds(5);

    private final KafkaAdmin kafkaAdmin;
    private final KafkaListenerEndpointRegistry listeners;
    private final String topic;
    private final Clock clock;
    private volatile Admin admin;

    OrderPlacedProgress(KafkaAdmin kafkaAdmin, KafkaListenerEndpointRegistry listeners, TopicNames topics, Clock clock) {
        this.kafkaAdmin = kafkaAdmin;
        this.listeners = listeners;
        this.topic = topics.of(Topics.ORDER_PLACED);
        this.clock = clock;
    }

    /**
     * Emits a moment before which every order.placed is recorded (the moment of asking), or completes empty while
     * the listener is behind, has not joined yet, or Kafka cannot say.
     */
    public Mono<Instant> recordedUntil() {
        MessageListenerContainer container = listeners.getListenerContainer(LISTENER_ID);
        if (container == null || !container.isRunning() || container.getGroupId() == null) {
            return Mono.empty();
        }
        String group = container.getGroupId();
        return Mono.defer(() -> {
            // Taken before the end offsets are read: whatever was appended before it lies below them.
            Instant asked = clock.instant();
            Admin client = admin();
            return mono(client.describeTopics(List.of(topic)).allTopicNames())
                    .map(descriptions -> partitions(descriptions.get(topic)))
                    .flatMap(partitions -> mono(client.listOffsets(partitions.stream()
                            .collect(Collectors.toMap(Function.identity(), p -> OffsetSpec.latest()))).all()))
                    .zipWith(mono(client.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()))
                    .filter(ends -> caughtUp(ends.getT1(), ends.getT2()))
                    .map(ends -> asked);
        }).timeout(ASK_TIMEOUT);
    }

    /** Every partition's committed offset has reached its end (a partition never written to needs none). */
    static boolean caughtUp(Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends,
            Map<TopicPartition, OffsetAndMetadata> committed) {
        return ends.entrySet().stream().allMatch(end -> {
            long last = end.getValue().offset();
            OffsetAndMetadata at = committed.get(end.getKey());
            return last == 0 || at != null && at.offset() >= last;
        });
    }

    private List<TopicPartition> partitions(TopicDescription description) {
        return description.partitions().stream().map(p -> new TopicPartition(topic, p.partition())).toList();
    }

    private Admin admin() {
        Admin client = admin;
        if (client == null) {
            synchronized (this) {
                if (admin == null) {
                    admin = Admin.create(kafkaAdmin.getConfigurationProperties());
                }
                client = admin;
            }
        }
        return client;
    }

    private static <T> Mono<T> mono(KafkaFuture<T> future) {
        return Mono.fromCompletionStage(future.toCompletionStage());
    }

    @Override
    public void destroy() {
        Admin client = admin;
        if (client != null) {
            client.close(Duration.ofSeconds(2));
        }
    }
}
