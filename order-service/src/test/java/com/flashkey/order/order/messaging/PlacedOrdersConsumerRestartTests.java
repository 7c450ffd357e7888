package com.flashkey.order.order.messaging;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import com.flashkey.contracts.OrderPlaced;
import com.flashkey.contracts.Topics;
import com.flashkey.order.OrderServiceApplication;
import com.flashkey.order.order.OrderNo;
import com.flashkey.order.support.EventCapture;
import com.flashkey.order.support.ShardDatabases;
import com.flashkey.testsupport.TestInfrastructure;
import com.flashkey.testsupport.TestRedisNamespace;
import com.flashkey.testsupport.TestTopics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The consumer is stopped (its whole application context closed) while it drains order.placed, then a new context
 * starts and resumes from the committed offsets: every order ends up stored exactly once, in its own shard.
 */
class PlacedOrdersConsumerRestartTests {

    private static final int ORDERS = 10_000;

    @RegisterExtension
    static ShardDatabases shards = ShardDatabases.newShards("orders", 4);

    @RegisterExtension
    static TestRedisNamespace redis = TestInfrastructure.redis().newNamespace("order-restart");

    @RegisterExtension
    static TestTopics topics = TestInfrastructure.kafka().newTopics("order-restart", 3, List.of(Topics.ORDER_PLACED,
            Topics.PAYMENT_SUCCEEDED, Topics.KEYS_ALLOCATED, Topics.ALLOCATION_FAILED));

    static final EventCapture kafka = new EventCapture(topics, List.of());

    @AfterAll
    static void close() {
        kafka.close();
    }

    @Test
    void whenTheConsumerIsStoppedMidDrainAndRestartedThenEveryOrderIsStoredExactlyOnceInItsShard() {
        List<OrderPlaced> placed = new ArrayList<>();
        Instant now = Instant.now();
        for (int i = 0; i < ORDERS; i++) {
            OrderNo no = OrderNo.generate(now.plusMillis(i), ThreadLocalRandom.current().nextInt(4));
            placed.add(new OrderPlaced(no.value(), "RESTART-1", 1, "r" + i + "@example.com", 990, "CNY", "en",
                    "key-" + i, now, now.plusSeconds(900)));
        }
        placed.forEach(p -> kafka.publishAsync(Topics.ORDER_PLACED, p));
        // Producers retry: some orders arrive twice.
        placed.subList(0, 500).forEach(p -> kafka.publishAsync(Topics.ORDER_PLACED, p));
        kafka.flush();

        ConfigurableApplicationContext first = start();
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(20)).until(() -> shards.totalRows() > 0);
        first.close();
        int afterStop = shards.totalRows();

        ConfigurableApplicationContext second = start();
        try {
            await().atMost(Duration.ofMinutes(3)).until(() -> shards.totalRows() >= ORDERS);
            // let any redelivered batch finish: nothing may be added twice
            await().pollDelay(Duration.ofSeconds(2)).until(() -> true);
        }
        finally {
            second.close();
        }

        Set<String> expected = new HashSet<>(placed.stream().map(OrderPlaced::orderNo).toList());
        List<String> stored = new ArrayList<>();
        for (int s = 0; s < 4; s++) {
            List<String> inShard = shards.orderNos(s);
            int shard = s;
            assertThat(inShard).allSatisfy(no -> assertThat(new OrderNo(no).shard()).isEqualTo(shard));
            stored.addAll(inShard);
        }
        assertThat(stored).hasSize(ORDERS).doesNotHaveDuplicates();
        assertThat(new HashSet<>(stored)).isEqualTo(expected);
        System.out.printf("restart test: %d of %d rows stored when the first consumer stopped%n", afterStop, ORDERS);
    }

    private static ConfigurableApplicationContext start() {
        // Command-line arguments: they outrank application.yml (SpringApplicationBuilder.properties would not).
        List<String> args = new ArrayList<>(shards.properties());
        args.add("server.port=0");
        args.add("spring.application.name=order-service-restart-test");
        args.add("spring.kafka.bootstrap-servers=" + topics.bootstrapServers());
        args.add("flashkey.kafka.topic-prefix=" + topics.prefix());
        args.add("spring.data.redis.host=" + redis.server().host());
        args.add("spring.data.redis.port=" + redis.server().port());
        args.add("flashkey.redis.key-prefix=" + redis.prefix());
        args.add("flashkey.order.ingest.batch-size=100");
        args.add("flashkey.order.ingest.concurrency=1");
        args.add("flashkey.order.topic-partitions=3");
        // No catalog or inventory here: the start-up warm-up would only wait for them.
        args.add("flashkey.order.warm-up.enabled=false");
        // The local profile: its development delivery key and admin-token secret (config/StartupCheck).
        return new SpringApplicationBuilder(OrderServiceApplication.class).profiles("local")
                .run(args.stream().map(a -> "--" + a).toArray(String[]::new));
    }
}
