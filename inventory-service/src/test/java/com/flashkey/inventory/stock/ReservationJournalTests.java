package com.flashkey.inventory.stock;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import com.flashkey.inventory.config.InventoryProperties;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/** The journal's group commit, against a repository stand-in (no database). */
class ReservationJournalTests {

    /** Records the statements; each one waits for {@link #release} while {@link #holding} is set. */
    static final class RecordingRepository extends ReservationRepository {

        final List<List<Reservation>> statements = new ArrayList<>();
        final AtomicBoolean holding = new AtomicBoolean();
        final AtomicBoolean failing = new AtomicBoolean();
        final Sinks.Empty<Void> release = Sinks.empty();

        RecordingRepository() {
            super(null);
        }

        @Override
        public Mono<Long> upsert(List<Reservation> rows, Instant at) {
            return Mono.defer(() -> {
                if (failing.get()) {
                    return Mono.error(new IllegalStateException("database down"));
                }
                synchronized (statements) {
                    statements.add(List.copyOf(rows));
                }
                Mono<Long> done = Mono.just((long) rows.size());
                return holding.get() ? release.asMono().then(done) : done;
            });
        }

        int rowsWritten() {
            synchronized (statements) {
                return statements.stream().mapToInt(List::size).sum();
            }
        }
    }

    private final RecordingRepository repository = new RecordingRepository();

    private final ReservationJournal journal = new ReservationJournal(repository, properties(500),
            Clock.systemUTC());

    @Test
    void whenCallersArriveDuringAWriteThenTheyShareTheNextStatement() {
        repository.holding.set(true);
        Mono<Void> first = journal.recordAndFlush(reservation(0)).cache();
        first.subscribe();
        // Callers while the first statement is still in the database: they must not cost one statement each, and
        // completing them all must not recurse once per caller.
        int callers = 20_000;
        List<Mono<Void>> waiting = IntStream.rangeClosed(1, callers)
                .mapToObj(i -> journal.recordAndFlush(reservation(i)).cache())
                .toList();
        waiting.forEach(Mono::subscribe);
        assertThat(repository.statements).hasSize(1);

        repository.holding.set(false);
        repository.release.tryEmitEmpty();
        first.block(Duration.ofSeconds(5));
        Flux.merge(waiting).blockLast(Duration.ofSeconds(5));

        assertThat(repository.rowsWritten()).isEqualTo(callers + 1);
        // The first statement, then the queue in statements of journal-batch-rows (500).
        assertThat(repository.statements).hasSize(1 + callers / 500);
        assertThat(journal.queued()).isZero();
    }

    @Test
    void whenAWriteFailsThenItsRecordsStayQueuedAndTheNextFlushWritesThem() {
        repository.failing.set(true);
        Mono<Void> failed = journal.recordAndFlush(reservation(1));
        assertThat(failed.onErrorResume(IllegalStateException.class, ex -> Mono.empty())
                .then(Mono.just(true)).block(Duration.ofSeconds(5))).isTrue();
        assertThat(journal.queued()).isEqualTo(1);

        repository.failing.set(false);
        journal.flush().block(Duration.ofSeconds(5));
        assertThat(repository.rowsWritten()).isEqualTo(1);
        assertThat(journal.queued()).isZero();
    }

    @Test
    void whenTheDatabaseIsDownAndJournalMaxQueuedRecordsWaitThenTheJournalIsFullUntilAWriteSucceeds() {
        repository.failing.set(true);
        journal.record(reservation(1));
        journal.record(reservation(2));
        assertThat(journal.full()).isFalse();
        journal.record(reservation(3));
        assertThat(journal.full()).isTrue();

        repository.failing.set(false);
        journal.flush().block(Duration.ofSeconds(5));
        assertThat(journal.full()).isFalse();
        assertThat(repository.rowsWritten()).isEqualTo(3);
    }

    private static Reservation reservation(int i) {
        return new Reservation("o" + i, 1, "SKU-1", 1, "b" + i + "@example.com", Instant.now().plusSeconds(900),
                Reservation.RESERVED, false);
    }

    private static InventoryProperties properties(int batchRows) {
        return new InventoryProperties(URI.create("http://127.0.0.1:1"), Duration.ofSeconds(1), Duration.ofSeconds(5),
                new InventoryProperties.Codes("k", Map.of("k", "a2V5"), "aG1hYw=="), 1000, 200, 1000,
                Duration.ofDays(7), Duration.ofHours(1), Duration.ofMillis(50), batchRows, 3, false, Duration.ofSeconds(60),
                Duration.ofSeconds(10), Duration.ofSeconds(60), Duration.ofSeconds(30), Duration.ofSeconds(5),
                Duration.ofSeconds(30), Duration.ofMillis(200), Duration.ofDays(7), 1, true,
                Duration.ofSeconds(2));
    }
}
