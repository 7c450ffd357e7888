package com.flashkey.payment.notification;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/** The batching itself, with a writer the test controls (the database version: GroupCommitIntegrationTests). */
class GroupCommitTests {

    /** A writer whose batches complete only when the test says so. */
    static final class HeldWriter {

        final List<List<Integer>> batches = new CopyOnWriteArrayList<>();
        final List<Sinks.One<List<String>>> commits = new CopyOnWriteArrayList<>();

        Mono<List<String>> write(List<Integer> items) {
            batches.add(List.copyOf(items));
            Sinks.One<List<String>> commit = Sinks.one();
            commits.add(commit);
            return commit.asMono();
        }

        void commit(int batch) {
            commits.get(batch).tryEmitValue(batches.get(batch).stream().map(i -> "row-" + i).toList());
        }
    }

    @Test
    void whenCallersArriveWhileABatchIsWrittenThenTheyShareTheNextBatchAndEachGetsItsOwnResult() {
        HeldWriter writer = new HeldWriter();
        GroupCommit<Integer, String> group = new GroupCommit<>(100, 1, writer::write);
        List<String> answers = new CopyOnWriteArrayList<>();

        group.submit(0).subscribe(answers::add);
        for (int i = 1; i <= 10; i++) {
            group.submit(i).subscribe(answers::add);
        }
        assertThat(writer.batches).containsExactly(List.of(0));

        writer.commit(0);
        assertThat(answers).containsExactly("row-0");
        assertThat(writer.batches).hasSize(2);
        assertThat(writer.batches.get(1)).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);

        writer.commit(1);
        assertThat(answers).containsExactly("row-0", "row-1", "row-2", "row-3", "row-4", "row-5", "row-6", "row-7",
                "row-8", "row-9", "row-10");
    }

    @Test
    void whenABatchIsNotCommittedYetThenNoCallerOfItIsAnswered() {
        HeldWriter writer = new HeldWriter();
        GroupCommit<Integer, String> group = new GroupCommit<>(100, 1, writer::write);
        List<String> answers = new CopyOnWriteArrayList<>();
        for (int i = 0; i < 5; i++) {
            group.submit(i).subscribe(answers::add);
        }
        writer.commit(0);
        assertThat(answers).containsExactly("row-0");
        // Batch 1 (callers 1..4) is written but not committed: nobody of it has an answer.
        assertThat(writer.batches.get(1)).containsExactly(1, 2, 3, 4);
        assertThat(answers).containsExactly("row-0");
        writer.commit(1);
        assertThat(answers).hasSize(5);
    }

    @Test
    void whenTheWriteOfABatchFailsThenEveryCallerOfThatBatchGetsTheErrorAndTheNextBatchStillRuns() {
        HeldWriter writer = new HeldWriter();
        GroupCommit<Integer, String> group = new GroupCommit<>(100, 1, writer::write);
        List<String> answers = new CopyOnWriteArrayList<>();
        List<Throwable> errors = new CopyOnWriteArrayList<>();
        for (int i = 0; i < 6; i++) {
            group.submit(i).subscribe(answers::add, errors::add);
        }
        writer.commit(0);
        IllegalStateException down = new IllegalStateException("database down");
        writer.commits.get(1).tryEmitError(down);

        assertThat(writer.batches.get(1)).containsExactly(1, 2, 3, 4, 5);
        assertThat(errors).hasSize(5).allSatisfy(ex -> assertThat(ex).isSameAs(down));
        assertThat(answers).containsExactly("row-0");

        group.submit(6).subscribe(answers::add, errors::add);
        writer.commit(2);
        assertThat(answers).containsExactly("row-0", "row-6");
    }

    @Test
    void whenTheWriterAnswersTheWrongNumberOfResultsThenEveryCallerOfThatBatchGetsAnError() {
        HeldWriter blocker = new HeldWriter();
        // The first batch is held; the second (callers 1 and 2) is answered with one result for two items.
        GroupCommit<Integer, String> group = new GroupCommit<>(100, 1, items -> items.equals(List.of(0))
                ? blocker.write(items) : Mono.just(List.of("only one")));
        List<Throwable> errors = new CopyOnWriteArrayList<>();
        group.submit(0).subscribe();
        group.submit(1).subscribe(v -> { }, errors::add);
        group.submit(2).subscribe(v -> { }, errors::add);
        blocker.commit(0);
        assertThat(errors).hasSize(2).allSatisfy(ex -> assertThat(ex).isInstanceOf(IllegalStateException.class));
    }

    @Test
    void whenMoreCallersWaitThanMaxRowsThenBatchesAreCappedAndAtMostMaxInFlightRunAtOnce() {
        HeldWriter writer = new HeldWriter();
        GroupCommit<Integer, String> group = new GroupCommit<>(3, 2, writer::write);
        List<String> answers = new CopyOnWriteArrayList<>();
        for (int i = 0; i < 10; i++) {
            group.submit(i).subscribe(answers::add);
        }
        // Two batches start at once (0 and 1 alone); the other eight wait.
        assertThat(writer.batches).containsExactly(List.of(0), List.of(1));
        writer.commit(0);
        assertThat(writer.batches.get(2)).containsExactly(2, 3, 4);
        writer.commit(1);
        assertThat(writer.batches.get(3)).containsExactly(5, 6, 7);
        writer.commit(2);
        writer.commit(3);
        assertThat(writer.batches.get(4)).containsExactly(8, 9);
        writer.commit(4);
        assertThat(answers).hasSize(10);
    }

    @Test
    void whenManyThreadsSubmitConcurrentlyThenEveryCallerIsAnsweredExactlyOnce() throws Exception {
        AtomicInteger running = new AtomicInteger();
        AtomicInteger maxRunning = new AtomicInteger();
        ConcurrentLinkedQueue<Integer> written = new ConcurrentLinkedQueue<>();
        ExecutorService committer = Executors.newFixedThreadPool(4);
        GroupCommit<Integer, String> group = new GroupCommit<>(50, 4, items -> Mono.fromCallable(() -> {
            int now = running.incrementAndGet();
            maxRunning.accumulateAndGet(now, Math::max);
            Thread.sleep(1);
            written.addAll(items);
            running.decrementAndGet();
            return items.stream().map(i -> "row-" + i).toList();
        }).subscribeOn(reactor.core.scheduler.Schedulers.fromExecutor(committer)));
        int callers = 4000;
        CountDownLatch done = new CountDownLatch(callers);
        List<String> answers = new CopyOnWriteArrayList<>();
        ExecutorService submitters = Executors.newFixedThreadPool(8);
        try {
            for (int i = 0; i < callers; i++) {
                int item = i;
                submitters.execute(() -> group.submit(item).subscribe(answer -> {
                    answers.add(answer);
                    done.countDown();
                }));
            }
            assertThat(done.await(60, TimeUnit.SECONDS)).isTrue();
        }
        finally {
            submitters.shutdownNow();
            committer.shutdownNow();
        }
        assertThat(answers).hasSize(callers).doesNotHaveDuplicates();
        assertThat(written).hasSize(callers).doesNotHaveDuplicates();
        assertThat(maxRunning.get()).isLessThanOrEqualTo(4);
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < callers; i++) {
            expected.add("row-" + i);
        }
        assertThat(answers).containsExactlyInAnyOrderElementsOf(expected);
    }
}
