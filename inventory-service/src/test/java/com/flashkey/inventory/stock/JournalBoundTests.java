package com.flashkey.inventory.stock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.flashkey.inventory.InventoryInfrastructure;
import com.flashkey.inventory.InventoryIntegrationTest;
import com.flashkey.inventory.cardkey.CardKeyImporter;

import reactor.core.publisher.Flux;

/**
 * While the database cannot take reservation records, at most {@code journal-max-queued} of them wait in memory;
 * beyond that reserve is a 503 (unavailable) and moves no stock, until the journal has written what waits.
 */
@InventoryIntegrationTest
class JournalBoundTests {

    @RegisterExtension
    static InventoryInfrastructure infra = new InventoryInfrastructure();

    static final int BOUND = 5;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        infra.register(registry);
        InventoryInfrastructure.generousTimeouts(registry);
        registry.add("flashkey.inventory.journal-max-queued", () -> BOUND);
    }

    @Autowired
    ReservationService reservations;

    @Autowired
    ReservationJournal journal;

    @Autowired
    CardKeyImporter importer;

    @Autowired
    StockCounters counters;

    private static ReserveCommand command(String orderNo) {
        Instant now = Instant.now();
        return new ReserveCommand(orderNo, 1, "BOUND-1", 1, orderNo + "@example.com", 4, now.minus(Duration.ofHours(1)),
                now.plus(Duration.ofHours(1)), now.plus(Duration.ofMinutes(15)));
    }

    @Test
    void whenTheDatabaseIsDownAndTheJournalIsFullThenReserveIsUnavailableAndMovesNoStock() throws Exception {
        importer.importCodes("BOUND-1", Flux.range(1, 20).map(i -> "BOUND-CODE-" + i), false, "test").block();
        try (Connection db = infra.db().connect(); Statement sql = db.createStatement()) {
            // The reservation records' table goes away: every journal write fails, as in a database outage.
            sql.execute("RENAME TABLE reservations TO reservations_away");
            try {
                for (int i = 0; i < BOUND; i++) {
                    assertThat(reservations.reserve(command("bound" + i)).block(Duration.ofSeconds(10)).outcome())
                            .isEqualTo(ReservationOutcome.RESERVED);
                }
                assertThat(journal.queued()).isEqualTo(BOUND);

                assertThatThrownBy(() -> reservations.reserve(command("bound-over")).block(Duration.ofSeconds(10)))
                        .isInstanceOf(StockUnavailableException.class)
                        .hasMessageContaining("waiting for the database");
                assertThat(counters.available("BOUND-1").block(Duration.ofSeconds(5))).isEqualTo(20 - BOUND);
            }
            finally {
                sql.execute("RENAME TABLE reservations_away TO reservations");
            }
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> journal.queued() == 0);

        assertThat(reservations.reserve(command("bound-over")).block(Duration.ofSeconds(10)).outcome())
                .isEqualTo(ReservationOutcome.RESERVED);
        assertThat(counters.available("BOUND-1").block(Duration.ofSeconds(5))).isEqualTo(20 - BOUND - 1);
    }
}
