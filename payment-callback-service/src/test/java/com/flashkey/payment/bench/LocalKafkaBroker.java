package com.flashkey.payment.bench;

import java.util.Map;

import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * A single in-JVM KRaft broker on a fixed port, for running the service by hand or under a load tool
 * ({@code README.md}, "Measuring"). Not a test; stops with the JVM.
 */
public final class LocalKafkaBroker {

    private LocalKafkaBroker() {
    }

    public static void main(String[] args) throws InterruptedException {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 19092;
        var broker = new EmbeddedKafkaKraftBroker(1, 6).kafkaPorts(port);
        broker.brokerProperties(Map.of("auto.create.topics.enable", "true", "offsets.topic.replication.factor", "1",
                "transaction.state.log.replication.factor", "1", "transaction.state.log.min.isr", "1",
                "num.partitions", "6"));
        broker.afterPropertiesSet();
        Runtime.getRuntime().addShutdownHook(new Thread(broker::destroy));
        System.out.println("KAFKA READY " + broker.getBrokersAsString());
        Thread.currentThread().join();
    }
}
