package com.flashkey.gateway.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import com.flashkey.gateway.config.GatewayProperties.Policy;

class LocalTokenBucketsTests {

    private final AtomicLong clock = new AtomicLong(1_000_000);

    private final Policy fivePerSecond = new Policy(5, Duration.ofSeconds(1), null, false);

    private long admitted(LocalTokenBuckets buckets, List<Bucket> request, int attempts) {
        return IntStream.range(0, attempts).filter(i -> buckets.take(request).allowed()).count();
    }

    @Test
    void whenMoreRequestsThanTheBucketHoldsArriveAtOnceThenExactlyItsSizeIsAdmitted() {
        LocalTokenBuckets buckets = new LocalTokenBuckets(1, clock::get);
        assertThat(admitted(buckets, List.of(new Bucket("a", fivePerSecond)), 9)).isEqualTo(5);
    }

    @Test
    void whenTimePassesThenTokensComeBackAtTheConfiguredRate() {
        LocalTokenBuckets buckets = new LocalTokenBuckets(1, clock::get);
        List<Bucket> request = List.of(new Bucket("a", fivePerSecond));
        admitted(buckets, request, 5);
        Decision refused = buckets.take(request);
        assertThat(refused.allowed()).isFalse();
        assertThat(refused.retryAfter()).isEqualTo(Duration.ofMillis(200));
        clock.addAndGet(400);
        assertThat(admitted(buckets, request, 5)).isEqualTo(2);
    }

    @Test
    void whenAnyBucketIsEmptyThenNoBucketSpendsAToken() {
        LocalTokenBuckets buckets = new LocalTokenBuckets(1, clock::get);
        Policy globalOfTwo = new Policy(2, Duration.ofMinutes(10), null, true);
        Bucket global = new Bucket("global", globalOfTwo);
        admitted(buckets, List.of(new Bucket("x", fivePerSecond), global), 2);
        Decision refused = buckets.take(List.of(new Bucket("y", fivePerSecond), global));
        assertThat(refused.allowed()).isFalse();
        assertThat(refused.limit()).as("the global bucket is reported").isEqualTo(2);
        assertThat(buckets.take(List.of(new Bucket("y", fivePerSecond))).remaining())
            .as("client y still had its 5 tokens before this one").isEqualTo(4);
    }

    @Test
    void whenReplicasShareAGlobalLimitThenEachAdmitsItsShare() {
        LocalTokenBuckets buckets = new LocalTokenBuckets(4, clock::get);
        Policy global = new Policy(20, Duration.ofMinutes(10), null, true);
        assertThat(admitted(buckets, List.of(new Bucket("g", global)), 30)).isEqualTo(5);
        assertThat(admitted(buckets, List.of(new Bucket("c", new Policy(20, Duration.ofMinutes(10), null, false))), 30))
            .as("per-client buckets are not divided").isEqualTo(20);
    }

    @Test
    void whenManyThreadsTakeFromAGlobalBucketAtOnceThenExactlyItsSizeIsAdmitted() throws Exception {
        LocalTokenBuckets buckets = new LocalTokenBuckets(1, clock::get);
        Bucket global = new Bucket("global", new Policy(20, Duration.ofMinutes(10), null, true));
        Policy perClient = new Policy(1000, Duration.ofMinutes(10), null, false);
        AtomicInteger admitted = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            int thread = t;
            Thread worker = new Thread(() -> {
                try {
                    start.await();
                }
                catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                    return;
                }
                for (int i = 0; i < 50; i++) {
                    Bucket client = new Bucket("client-" + thread + "-" + (i % 5), perClient);
                    if (buckets.take(List.of(client, global)).allowed()) {
                        admitted.incrementAndGet();
                    }
                }
            });
            worker.start();
            threads.add(worker);
        }
        start.countDown();
        for (Thread thread : threads) {
            thread.join();
        }
        assertThat(admitted.get()).isEqualTo(20);
    }
}
