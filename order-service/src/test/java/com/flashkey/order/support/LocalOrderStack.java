package com.flashkey.order.support;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import com.flashkey.contracts.OrderPlaced;
import com.flashkey.contracts.Topics;
import com.flashkey.order.OrderServiceApplication;
import com.flashkey.order.order.OrderNo;
import com.flashkey.testsupport.TestInfrastructure;
import com.flashkey.testsupport.TestRedisNamespace;
import com.flashkey.testsupport.TestTopics;

/**
 * A local order-service for load measurements (not a test): in-JVM Kafka broker, four fresh shard databases, a Redis
 * namespace and the catalog/inventory stand-ins, all cleaned up on exit. Modes:
 * <ul>
 * <li>{@code serve <port>}: serves order-service on the port (product {@code PERF-1}, practically unlimited stock;
 * {@code PERF-SOLD}, sold out)
 * until a line is read on stdin; prints the consumer's per-shard insert counters at the end;</li>
 * <li>{@code drain <orders>}: publishes that many order.placed events first, then starts order-service and times
 * how fast the batch consumer stores them, per shard.</li>
 * </ul>
 */
public final class LocalOrderStack {

    public static void main(String[] args) throws Exception {
        String mode = args.length > 0 ? args[0] : "serve";
        ShardDatabases shards = ShardDatabases.newShards("perf", 4);
        TestRedisNamespace redis = TestInfrastructure.redis().newNamespace("order-perf");
        TestTopics topics = TestInfrastructure.kafka().newTopics("order-perf", 6, List.of(Topics.ORDER_PLACED,
                Topics.ORDER_PAID, Topics.ORDER_EXPIRED, Topics.PAYMENT_SUCCEEDED, Topics.KEYS_ALLOCATED,
                Topics.ALLOCATION_FAILED));
        StandIns standIns = new StandIns();
        standIns.product("PERF-1", "9.90", 10, 100_000_000);
        // Sold out from the start: after inventory's first answer, orders for it are refused here (sold-out path).
        standIns.product("PERF-SOLD", "9.90", 10, 0);
        ConfigurableApplicationContext app = null;
        try {
            if ("drain".equals(mode)) {
                int orders = Integer.parseInt(args[1]);
                try (EventCapture kafka = new EventCapture(topics, List.of())) {
                    Instant now = Instant.now();
                    for (int i = 0; i < orders; i++) {
                        OrderNo no = OrderNo.generate(now, ThreadLocalRandom.current().nextInt(4));
                        kafka.publishAsync(Topics.ORDER_PLACED, new OrderPlaced(no.value(), "PERF-1", 1,
                                "d" + i + "@example.com", 990, "CNY", "en", "key-" + i, now, now.plusSeconds(900)));
                    }
                    kafka.flush();
                }
                System.out.println("published " + orders + " order.placed events; starting the consumer");
                long started = System.nanoTime();
                app = start(shards, redis, topics, standIns, 0);
                while (shards.totalRows() < orders) {
                    Thread.sleep(50);
                }
                double seconds = (System.nanoTime() - started) / 1e9;
                System.out.printf("DRAIN: %d rows in %.2f s (including context start) = %.0f rows/s%n", orders, seconds,
                        orders / seconds);
                printIngest(app, shards);
            }
            else {
                int port = args.length > 1 ? Integer.parseInt(args[1]) : 18083;
                app = start(shards, redis, topics, standIns, port);
                System.out.println("READY http://127.0.0.1:" + port + " stand-ins " + standIns.baseUrl()
                        + " (press Enter to stop)");
                new BufferedReader(new InputStreamReader(System.in)).readLine();
                int accepted = 100_000_000 - standIns.stock("PERF-1");
                long deadline = System.currentTimeMillis() + 60_000;
                while (System.currentTimeMillis() < deadline && shards.totalRows() < accepted) {
                    Thread.sleep(100);
                }
                printIngest(app, shards);
            }
        }
        finally {
            if (app != null) {
                app.close();
            }
            standIns.close();
            topics.close();
            redis.close();
            shards.close();
            System.exit(0);
        }
    }

    private static void printIngest(ConfigurableApplicationContext app, ShardDatabases shards) {
        var meters = app.getBean(io.micrometer.core.instrument.MeterRegistry.class);
        for (int s = 0; s < shards.count(); s++) {
            String tag = Integer.toString(s);
            var rows = meters.find("flashkey.order.ingest.rows").tag("shard", tag).counter();
            var batch = meters.find("flashkey.order.ingest.batch").tag("shard", tag).timer();
            if (rows == null || batch == null) {
                continue;
            }
            double busy = batch.totalTime(java.util.concurrent.TimeUnit.SECONDS);
            System.out.printf("INGEST shard %d: %d rows in %d batches, %.2f s inside INSERTs = %.0f rows/s per shard "
                    + "while inserting (rows in DB: %s)%n", s, (long) rows.count(), batch.count(), busy,
                    rows.count() / Math.max(busy, 1e-9), shards.strings(s, "SELECT COUNT(*) FROM orders").get(0));
        }
    }

    private static ConfigurableApplicationContext start(ShardDatabases shards, TestRedisNamespace redis,
            TestTopics topics, StandIns standIns, int port) {
        List<String> props = new ArrayList<>(shards.properties());
        props.addAll(List.of("server.port=" + port, "spring.kafka.bootstrap-servers=" + topics.bootstrapServers(),
                "flashkey.kafka.topic-prefix=" + topics.prefix(), "spring.data.redis.host=" + redis.server().host(),
                "spring.data.redis.port=" + redis.server().port(), "flashkey.redis.key-prefix=" + redis.prefix(),
                "flashkey.order.catalog-url=" + standIns.baseUrl(), "flashkey.order.inventory-url=" + standIns.baseUrl(),
                "logging.level.root=WARN", "spring.application.name=order-service-perf"));
        // The local profile: its development delivery key and admin-token secret (config/StartupCheck).
        return new SpringApplicationBuilder(OrderServiceApplication.class).profiles("local")
                .run(props.stream().map(a -> "--" + a).toArray(String[]::new));
    }

    private LocalOrderStack() {
    }

}
