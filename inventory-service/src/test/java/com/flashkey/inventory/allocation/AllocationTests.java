package com.flashkey.inventory.allocation;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.reactive.TransactionalOperator;

import com.flashkey.contracts.AllocationFailed;
import com.flashkey.contracts.DeliveryCodes;
import com.flashkey.contracts.EventCodec;
import com.flashkey.contracts.KeysAllocated;
import com.flashkey.contracts.OrderPaid;
import com.flashkey.contracts.SealedCode;
import com.flashkey.inventory.InventoryInfrastructure;
import com.flashkey.inventory.InventoryIntegrationTest;
import com.flashkey.inventory.cardkey.CardKeyImporter;
import com.flashkey.inventory.cardkey.CardKeyRepository;
import com.flashkey.inventory.stock.ReservationOutcome;
import com.flashkey.inventory.stock.ReservationService;
import com.flashkey.inventory.stock.ReserveCommand;

import io.micrometer.core.instrument.MeterRegistry;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** Allocation on order.paid against real MariaDB: exactly once per order, each key to one order. */
@InventoryIntegrationTest
class AllocationTests {

    @RegisterExtension
    static InventoryInfrastructure infra = new InventoryInfrastructure();

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        infra.register(registry);
        InventoryInfrastructure.generousTimeouts(registry);
    }

    static final String DELIVERY_KEY = "Zmxhc2hrZXktbG9jYWwtZGVsaXZlcnkta2V5LTAwMDE=";

    @Autowired
    AllocationService allocation;

    @Autowired
    CardKeyImporter importer;

    @Autowired
    ReservationService reservations;

    @Autowired
    MeterRegistry meters;

    @Autowired
    CardKeyRepository cardKeys;

    @Autowired
    DatabaseClient db;

    @Autowired
    TransactionalOperator tx;

    private final EventCodec codec = new EventCodec();
    private final DeliveryCodes delivery = new DeliveryCodes("dev-1", Map.of("dev-1", DELIVERY_KEY));

    private static OrderPaid paid(String orderNo, String sku, int qty) {
        return new OrderPaid(orderNo, sku, qty, "Buyer+" + orderNo + "@Example.com", "en", "simpay", "tx-" + orderNo,
                Instant.now());
    }

    private static List<Object[]> query(String sql) throws Exception {
        try (Connection c = infra.db().connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            List<Object[]> rows = new ArrayList<>();
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                Object[] row = new Object[n];
                for (int i = 0; i < n; i++) {
                    row[i] = rs.getObject(i + 1);
                }
                rows.add(row);
            }
            return rows;
        }
    }

    @Test
    void whenTwoHundredOrdersArePaidConcurrentlyWithDuplicatesThenEachGetsExactlyItsKeysAndNoKeyTwice()
            throws Exception {
        importer.importCodes("ALLOC-1", Flux.range(1, 400).map(i -> "ALLOC-1-CODE-" + i), false, "test").block();
        List<OrderPaid> events = new ArrayList<>();
        Map<String, Integer> quantities = new HashMap<>();
        for (int i = 0; i < 200; i++) {
            int qty = 1 + (i % 2);
            quantities.put("pay" + i, qty);
            events.add(paid("pay" + i, "ALLOC-1", qty));
            // Reserved first, as in the real flow, so confirm has something to settle.
            assertThat(reservations.reserve(new ReserveCommand("pay" + i, 1, "ALLOC-1", qty, "b" + i + "@example.com", 5,
                    Instant.now().minusSeconds(60), Instant.now().plusSeconds(3600), Instant.now().plusSeconds(900)))
                    .block().outcome()).isEqualTo(ReservationOutcome.RESERVED);
        }
        for (int i = 0; i < 200; i += 2) {
            events.add(paid("pay" + i, "ALLOC-1", quantities.get("pay" + i)));
        }
        Collections.shuffle(events, new Random(3));

        List<AllocationResult> results = Flux.fromIterable(events).flatMap(allocation::allocate, 64).collectList()
                .block(Duration.ofMinutes(3));

        assertThat(results).filteredOn(r -> r == AllocationResult.ALLOCATED).hasSize(200);
        assertThat(results).filteredOn(r -> r == AllocationResult.REPLAY).hasSize(100);
        long expectedSold = quantities.values().stream().mapToLong(Integer::longValue).sum();
        assertThat(((Number) query("SELECT COUNT(*) FROM card_keys WHERE sku = 'ALLOC-1' AND status = 'SOLD'")
                .get(0)[0]).longValue()).isEqualTo(expectedSold);
        for (Object[] row : query("SELECT order_no, COUNT(*) FROM card_keys WHERE status = 'SOLD' GROUP BY order_no")) {
            assertThat(((Number) row[1]).intValue()).as("keys of %s", row[0]).isEqualTo(quantities.get((String) row[0]));
        }
        // Every keys.allocated in the outbox: one per order, codes sealed to that order, no code twice.
        Set<String> codes = new HashSet<>();
        Set<String> orders = new HashSet<>();
        for (Object[] row : query("SELECT payload FROM outbox WHERE topic LIKE '%keys.allocated'")) {
            byte[] payload = (byte[]) row[0];
            assertThat(new String(payload, StandardCharsets.UTF_8)).doesNotContain("ALLOC-1-CODE-");
            KeysAllocated event = codec.read(payload, KeysAllocated.class).data();
            assertThat(orders.add(event.orderNo())).isTrue();
            assertThat(event.codes()).hasSize(quantities.get(event.orderNo()));
            for (SealedCode sealed : event.codes()) {
                String code = delivery.open(event.orderNo(), sealed);
                assertThat(code).startsWith("ALLOC-1-CODE-");
                assertThat(codes.add(code)).as("code delivered twice").isTrue();
            }
        }
        assertThat(orders).hasSize(200);
        assertThat(codes).hasSize((int) expectedSold);
        assertThat(((Number) query("SELECT COUNT(*) FROM reservations WHERE sku = 'ALLOC-1' AND status = 'CONFIRMED'")
                .get(0)[0]).intValue()).isEqualTo(200);
        String state = infra.redis().withCommands(r -> r.hget(infra.redis().prefix() + "inv:{ALLOC-1}:res:pay7", "state"));
        assertThat(state).isEqualTo("CONFIRMED");
    }

    @Test
    void whenTooFewKeysRemainThenAllocationFailedIsWrittenNothingIsTakenAndTheAlertCounts() throws Exception {
        importer.importCodes("ALLOC-2", Flux.just("ALLOC-2-A", "ALLOC-2-B"), false, "test").block();
        double before = meters.counter("inventory.allocation.failed").count();

        assertThat(allocation.allocate(paid("short1", "ALLOC-2", 3)).block()).isEqualTo(AllocationResult.FAILED);
        assertThat(allocation.allocate(paid("short1", "ALLOC-2", 3)).block()).isEqualTo(AllocationResult.REPLAY);

        assertThat(meters.counter("inventory.allocation.failed").count()).isEqualTo(before + 1);
        assertThat(((Number) query("SELECT COUNT(*) FROM card_keys WHERE sku = 'ALLOC-2' AND status = 'SOLD'").get(0)[0])
                .intValue()).isZero();
        List<Object[]> failed = query("SELECT payload FROM outbox WHERE topic LIKE '%allocation.failed'");
        assertThat(failed).hasSize(1);
        AllocationFailed event = codec.read((byte[]) failed.get(0)[0], AllocationFailed.class).data();
        assertThat(event.orderNo()).isEqualTo("short1");
        assertThat(event.available()).isEqualTo(2);
        assertThat(event.quantity()).isEqualTo(3);
    }

    /**
     * The allocation's locking read must walk its SKU's (sku, status, id) index. For ORDER BY id LIMIT the optimizer
     * prefers a primary-key scan when the SKU is most of the table, and a locking read keeps a lock on every row it
     * reads: each allocation then locked every key stored before the SKU's first available one, 200,000 rows deep
     * in a benchmark, which aborted MariaDB on lock heaps. Counted here from inside the open transaction.
     */
    @Test
    void whenTheSkuIsMostOfTheTableThenAnAllocationLocksOnlyTheKeysItTakes() throws Exception {
        importer.importCodes("ALLOC-EARLY", Flux.range(0, 2000).map(i -> "ALLOC-EARLY-" + i), false, "test").block();
        importer.importCodes("ALLOC-3", Flux.range(0, 20000).map(i -> "ALLOC-3-" + i), false, "test").block();
        try (Connection c = infra.db().connect(); Statement s = c.createStatement()) {
            s.execute("ANALYZE TABLE card_keys"); // the statistics a long-running shop has, not a fresh table's
        }

        Long rowsLocked = tx.transactional(db.sql("SELECT CONNECTION_ID()").map(row -> row.get(0, Long.class)).one()
                .flatMap(connection -> cardKeys.lockAvailable("ALLOC-3", 1).collectList()
                        .flatMap(taken -> {
                            assertThat(taken).hasSize(1);
                            return Mono.fromCallable(() -> ((Number) query(
                                    "SELECT trx_rows_locked FROM information_schema.innodb_trx WHERE trx_mysql_thread_id = "
                                            + connection).get(0)[0]).longValue())
                                    .subscribeOn(Schedulers.boundedElastic());
                        })))
                .block(Duration.ofSeconds(30));

        // A primary-key scan locks the other SKU's 2,000 keys on its way to ALLOC-3's first one.
        assertThat(rowsLocked).isLessThan(50L);
    }
}
