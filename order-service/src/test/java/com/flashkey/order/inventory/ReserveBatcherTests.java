package com.flashkey.order.inventory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import static org.assertj.core.api.Assertions.assertThat;

/** Natural batching, against a stand-in send function whose batches the test completes by hand (no server). */
class ReserveBatcherTests {

    private static final Instant NOW = Instant.now();

    /** Records every batch and lets the test answer (or fail) each one when it wants. */
    static final class StandInInventory {

        final List<List<ReservationRequest>> batches = new CopyOnWriteArrayList<>();
        final List<Sinks.One<List<String>>> answers = new CopyOnWriteArrayList<>();

        Mono<List<String>> send(List<ReservationRequest> batch) {
            Sinks.One<List<String>> answer = Sinks.one();
            batches.add(batch);
            answers.add(answer);
            return answer.asMono();
        }

        /** Answers batch {@code i}: each reservation gets "answer-of-<orderNo>". */
        void answer(int i) {
            answers.get(i).tryEmitValue(batches.get(i).stream().map(r -> "answer-of-" + r.orderNo()).toList());
        }

        void fail(int i) {
            answers.get(i).tryEmitError(new IllegalStateException("inventory said 503"));
        }
    }

    private static ReservationRequest request(String orderNo) {
        return new ReservationRequest(orderNo, 1, "SKU-1", 1, orderNo + "@example.com", 1, NOW.minusSeconds(60),
                NOW.plusSeconds(600), NOW.plusSeconds(900));
    }

    private static final class Results {

        final List<String> answers = new CopyOnWriteArrayList<>();
        final List<String> failed = new CopyOnWriteArrayList<>();
    }

    private static Disposable submit(ReserveBatcher<String> batcher, String orderNo, Results results) {
        return batcher.submit(request(orderNo)).subscribe(answer -> results.answers.add(orderNo + "=" + answer),
                error -> results.failed.add(orderNo));
    }

    @Test
    void whenNothingIsInFlightThenAReservationGoesOutAloneAtOnce() {
        StandInInventory inventory = new StandInInventory();
        ReserveBatcher<String> batcher = new ReserveBatcher<>(100, 1, 1000, inventory::send, r -> new IllegalStateException());
        Results results = new Results();

        submit(batcher, "A", results);
        assertThat(inventory.batches).hasSize(1);
        assertThat(inventory.batches.get(0)).extracting(ReservationRequest::orderNo).containsExactly("A");
        inventory.answer(0);
        assertThat(results.answers).containsExactly("A=answer-of-A");
        assertThat(batcher.inFlight()).isZero();
    }

    @Test
    void whenABatchIsInFlightThenConcurrentReservationsShareTheNextRequestAndEachGetsItsOwnAnswer() {
        StandInInventory inventory = new StandInInventory();
        ReserveBatcher<String> batcher = new ReserveBatcher<>(100, 1, 1000, inventory::send, r -> new IllegalStateException());
        Results results = new Results();

        submit(batcher, "first", results);
        for (int i = 0; i < 30; i++) {
            submit(batcher, "o" + i, results);
        }
        assertThat(inventory.batches).hasSize(1);
        inventory.answer(0);
        assertThat(inventory.batches).hasSize(2);
        assertThat(inventory.batches.get(1)).hasSize(30);
        inventory.answer(1);

        List<String> expected = new ArrayList<>(List.of("first=answer-of-first"));
        for (int i = 0; i < 30; i++) {
            expected.add("o" + i + "=answer-of-o" + i);
        }
        assertThat(results.answers).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(results.failed).isEmpty();
        assertThat(batcher.inFlight()).isZero();
    }

    @Test
    void whenMoreWaitThanOneBatchHoldsThenTheyGoOutInBoundedBatchesOverTheFreeSlots() {
        StandInInventory inventory = new StandInInventory();
        ReserveBatcher<String> batcher = new ReserveBatcher<>(100, 2, 1000, inventory::send, r -> new IllegalStateException());
        Results results = new Results();

        for (int i = 0; i < 252; i++) {
            submit(batcher, "o" + i, results);
        }
        // Two slots: the first two went out alone, 250 wait.
        assertThat(inventory.batches).extracting(List::size).containsExactly(1, 1);
        inventory.answer(0);
        inventory.answer(1);
        assertThat(inventory.batches).extracting(List::size).containsExactly(1, 1, 100, 100);
        inventory.answer(2);
        assertThat(inventory.batches).extracting(List::size).containsExactly(1, 1, 100, 100, 50);
        inventory.answer(3);
        inventory.answer(4);
        assertThat(results.answers).hasSize(252);
        assertThat(results.answers).allMatch(a -> a.equals(a.substring(0, a.indexOf('=')) + "=answer-of-"
                + a.substring(0, a.indexOf('='))));
        assertThat(batcher.inFlight()).isZero();
    }

    @Test
    void whenABatchFailsThenExactlyItsReservationsFailAndLaterOnesAreServed() {
        StandInInventory inventory = new StandInInventory();
        ReserveBatcher<String> batcher = new ReserveBatcher<>(100, 1, 1000, inventory::send, r -> new IllegalStateException());
        Results results = new Results();

        submit(batcher, "first", results);
        for (int i = 0; i < 10; i++) {
            submit(batcher, "o" + i, results);
        }
        inventory.answer(0);
        inventory.fail(1);
        submit(batcher, "later", results);
        inventory.answer(2);

        assertThat(results.failed).containsExactlyInAnyOrder("o0", "o1", "o2", "o3", "o4", "o5", "o6", "o7", "o8", "o9");
        assertThat(results.answers).containsExactlyInAnyOrder("first=answer-of-first", "later=answer-of-later");
        assertThat(batcher.inFlight()).isZero();
    }

    @Test
    void whenACallerGivesUpWhileWaitingThenItsReservationIsNotSent() {
        StandInInventory inventory = new StandInInventory();
        ReserveBatcher<String> batcher = new ReserveBatcher<>(100, 1, 1000, inventory::send, r -> new IllegalStateException());
        Results results = new Results();

        submit(batcher, "first", results);
        Disposable gaveUp = submit(batcher, "gave-up", results);
        submit(batcher, "waits", results);
        gaveUp.dispose();
        inventory.answer(0);

        assertThat(inventory.batches.get(1)).extracting(ReservationRequest::orderNo).containsExactly("waits");
    }

    @Test
    void whenTooManyWaitThenANewReservationIsRefusedAtOnce() {
        StandInInventory inventory = new StandInInventory();
        ReserveBatcher<String> batcher = new ReserveBatcher<>(100, 1, 3, inventory::send,
                r -> new IllegalStateException("overloaded " + r.orderNo()));
        Results results = new Results();

        submit(batcher, "first", results);
        for (int i = 0; i < 4; i++) {
            submit(batcher, "o" + i, results);
        }
        assertThat(results.failed).containsExactly("o3");
        inventory.answer(0);
        assertThat(inventory.batches.get(1)).hasSize(3);
    }

    @Test
    void whenInventoryAnswersTheWrongNumberOfReservationsThenTheWholeBatchFails() {
        ReserveBatcher<String> batcher = new ReserveBatcher<>(100, 1, 1000, batch -> Mono.just(List.of("only one")),
                r -> new IllegalStateException());
        Results results = new Results();
        Sinks.One<List<String>> held = Sinks.one();
        ReserveBatcher<String> holding = new ReserveBatcher<>(100, 1, 1000,
                batch -> batch.size() == 1 && batch.get(0).orderNo().equals("first") ? held.asMono()
                        : Mono.just(List.of("only one")),
                r -> new IllegalStateException());

        submit(batcher, "alone", results);
        assertThat(results.answers).containsExactly("alone=only one");
        submit(holding, "first", results);
        submit(holding, "x", results);
        submit(holding, "y", results);
        held.tryEmitValue(List.of("ok"));
        assertThat(results.failed).containsExactlyInAnyOrder("x", "y");
    }
}
