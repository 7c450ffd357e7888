package com.flashkey.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.flashkey.contracts.DeliveryCodes;
import com.flashkey.contracts.Event;
import com.flashkey.contracts.EventCodec;
import com.flashkey.contracts.EventEnvelope;
import com.flashkey.contracts.KeysAllocated;
import com.flashkey.contracts.OrderExpired;
import com.flashkey.contracts.OrderPaid;
import com.flashkey.contracts.OrderPlaced;
import com.flashkey.contracts.Topics;
import com.flashkey.inventory.cardkey.CardKeyImporter;
import com.flashkey.inventory.stock.Reservation;
import com.flashkey.inventory.stock.ReservationJournal;
import com.flashkey.inventory.stock.ReservationRepository;
import com.flashkey.inventory.stock.ReservationService;
import com.flashkey.inventory.stock.ReserveCommand;
import com.flashkey.inventory.stock.StockCounters;

import reactor.core.publisher.Flux;

/** The Kafka edges end to end: order.placed / order.paid / order.expired in, keys.allocated and DLT out. */
@InventoryIntegrationTest
class KafkaFlowTests {

    @RegisterExtension
    static InventoryInfrastructure infra = new InventoryInfrastructure();

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        infra.register(registry);
        registry.add("flashkey.inventory.topic-partitions", () -> "1");
    }

    @Autowired
    CardKeyImporter importer;

    @Autowired
    ReservationService reservations;

    @Autowired
    ReservationRepository repository;

    @Autowired
    ReservationJournal journal;

    @Autowired
    StockCounters counters;

    private final EventCodec codec = new EventCodec();

    private void send(String topic, String key, byte[] value) throws Exception {
        infra.send(topic, key, value);
    }

    private void send(String topic, Event event) throws Exception {
        infra.send(topic, event);
    }

    /** Reads the topic until {@code done} holds for what was read, or 60 s pass. */
    private List<ConsumerRecord<String, byte[]>> readUntil(String topic, Predicate<List<ConsumerRecord<String, byte[]>>> done) {
        List<ConsumerRecord<String, byte[]>> read = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.topics().bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class))) {
            consumer.subscribe(List.of(infra.topics().name(topic)));
            long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!done.test(read) && System.nanoTime() < until) {
                consumer.poll(Duration.ofMillis(300)).forEach(read::add);
            }
        }
        return read;
    }

    @Test
    void whenOrderPaidArrivesTwiceThenOneKeysAllocatedIsPublishedWithCodesSealedForThatOrder() throws Exception {
        importer.importCodes("KAF-1", Flux.just("KAF-1-SECRET-A", "KAF-1-SECRET-B", "KAF-1-SECRET-C", "KAF-1-SECRET-D"), false, "test")
                .block();
        OrderPaid paid = new OrderPaid("kpaid1", "KAF-1", 2, "k@example.com", "en", "simpay", "tx1", Instant.now(),
                "+8613800000000");
        send(Topics.ORDER_PAID, paid);
        send(Topics.ORDER_PAID, paid);

        List<ConsumerRecord<String, byte[]>> records = readUntil(Topics.KEYS_ALLOCATED, r -> !r.isEmpty());
        assertThat(records).hasSize(1);
        assertThat(records.get(0).key()).isEqualTo("kpaid1");
        assertThat(new String(records.get(0).value(), StandardCharsets.UTF_8)).doesNotContain("SECRET");
        KeysAllocated event = codec.read(records.get(0).value(), KeysAllocated.class).data();
        DeliveryCodes delivery = new DeliveryCodes("dev-1", Map.of("dev-1", "Zmxhc2hrZXktbG9jYWwtZGVsaXZlcnkta2V5LTAwMDE="));
        assertThat(event.codes()).extracting(c -> delivery.open("kpaid1", c)).doesNotHaveDuplicates()
                .allMatch(c -> c.startsWith("KAF-1-SECRET-"));
        assertThat(event.buyerPhone()).as("the SMS number travels on to notification").isEqualTo("+8613800000000");
        // A replay arriving later publishes nothing more; a later order on the same partition proves it was handled.
        send(Topics.ORDER_PAID, paid);
        send(Topics.ORDER_PAID, new OrderPaid("kmark1", "KAF-1", 1, "m@example.com", "en", "simpay", "tx9", Instant.now()));
        List<ConsumerRecord<String, byte[]>> all = readUntil(Topics.KEYS_ALLOCATED,
                r -> r.stream().anyMatch(x -> "kmark1".equals(x.key())));
        assertThat(all).extracting(ConsumerRecord::key).containsExactly("kpaid1", "kmark1");
    }

    @Test
    void whenAPoisonRecordArrivesThenItGoesToTheDeadLetterTopicAndLaterRecordsAreStillHandled() throws Exception {
        send(Topics.ORDER_PAID, "poison1", "{not json".getBytes(StandardCharsets.UTF_8));
        importer.importCodes("KAF-2", Flux.just("KAF-2-A"), false, "test").block();
        send(Topics.ORDER_PAID, new OrderPaid("kpaid2", "KAF-2", 1, "p@example.com", "en", "simpay", "tx2", Instant.now()));

        assertThat(readUntil(Topics.ORDER_PAID + ".DLT", r -> !r.isEmpty())).extracting(ConsumerRecord::key)
                .containsExactly("poison1");
        assertThat(readUntil(Topics.KEYS_ALLOCATED, r -> r.stream().anyMatch(x -> "kpaid2".equals(x.key()))))
                .extracting(ConsumerRecord::key).contains("kpaid2");
    }

    @Test
    void whenOrderPlacedAndOrderExpiredArriveThenTheReservationIsRecordedAndReleased() throws Exception {
        importer.importCodes("KAF-3", Flux.just("KAF-3-A", "KAF-3-B"), false, "test").block();
        Instant expiresAt = Instant.now().plusSeconds(900);
        reservations.reserve(new ReserveCommand("kexp1", 1, "KAF-3", 2, "x@example.com", 2,
                Instant.now().minusSeconds(60), Instant.now().plusSeconds(3600), expiresAt)).block();
        assertThat(counters.available("KAF-3").block()).isZero();

        send(Topics.ORDER_PLACED, new OrderPlaced("kexp1", "KAF-3", 2, "x@example.com", 1980, "CNY", "en", "idem-1",
                Instant.now(), expiresAt));
        awaitReservation("kexp1", r -> r.orderSeen());
        send(Topics.ORDER_EXPIRED, new OrderExpired("kexp1", "KAF-3", 2, expiresAt));
        awaitReservation("kexp1", r -> Reservation.RELEASED.equals(r.status()));
        assertThat(counters.available("KAF-3").block()).isEqualTo(2);
    }

    @Test
    void whenAPollOfOrderPlacedHoldsDuplicatesAndAPoisonRecordThenEveryOrderIsRecordedAndOnlyThePoisonIsDeadLettered()
            throws Exception {
        Instant now = Instant.now();
        List<ProducerRecord<String, byte[]>> batch = new ArrayList<>();
        for (String orderNo : List.of("kbatch1", "kbatch2", "kbatch1", "kbatch3")) {
            EventEnvelope<Event> envelope = EventEnvelope.of(new OrderPlaced(orderNo, "KAF-4", 1, orderNo + "@example.com",
                    990, "CNY", "en", "idem-" + orderNo, now, now.plusSeconds(900)), now);
            batch.add(new ProducerRecord<>(infra.topics().name(Topics.ORDER_PLACED), orderNo, codec.write(envelope)));
        }
        batch.add(2, new ProducerRecord<>(infra.topics().name(Topics.ORDER_PLACED), "kpoison4",
                "{not json".getBytes(StandardCharsets.UTF_8)));
        // One producer, sent together: the records share a few polls, so they reach the batch listener together.
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.topics().bootstrapServers(),
                ProducerConfig.LINGER_MS_CONFIG, 20,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class))) {
            batch.forEach(producer::send);
            producer.flush();
        }

        for (String orderNo : List.of("kbatch1", "kbatch2", "kbatch3")) {
            awaitReservation(orderNo, Reservation::orderSeen);
        }
        assertThat(readUntil(Topics.ORDER_PLACED + ".DLT", r -> !r.isEmpty())).extracting(ConsumerRecord::key)
                .containsExactly("kpoison4");
    }

    private void awaitReservation(String orderNo, Predicate<Reservation> condition) throws InterruptedException {
        InventoryInfrastructure.awaitReservation(journal, repository, orderNo, condition, Duration.ofSeconds(60));
    }
}
