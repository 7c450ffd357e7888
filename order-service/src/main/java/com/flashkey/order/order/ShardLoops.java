package com.flashkey.order.order;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

import org.slf4j.Logger;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import com.flashkey.contracts.loop.PeriodicLoop;

/**
 * One {@link PeriodicLoop} per shard (the loop shape of every FlashKey service): each shard's pass runs on its own
 * pace, backs off while its shard has nothing, and is woken for its shard alone. The owner (a lifecycle bean that
 * stops before the Kafka listener containers and the pools) starts and stops them together.
 */
public final class ShardLoops {

    private final List<PeriodicLoop> loops;

    /** {@code name} says what the loops do in their log lines ("expiry", "outbox relay"). */
    public ShardLoops(int shards, PeriodicLoop.Pace pace, IntFunction<Mono<Long>> pass, Logger log, String name) {
        this(shards, pace, pass, log, name, Schedulers.parallel());
    }

    /** As above, with the loops' timers on {@code scheduler} (tests pass a virtual-time one). */
    ShardLoops(int shards, PeriodicLoop.Pace pace, IntFunction<Mono<Long>> pass, Logger log, String name,
            Scheduler scheduler) {
        List<PeriodicLoop> all = new ArrayList<>(shards);
        for (int shard = 0; shard < shards; shard++) {
            int s = shard;
            all.add(new PeriodicLoop(pace, () -> pass.apply(s),
                    ex -> log.warn("{} of shard {} failed, will retry: {}", name, s, ex.toString()), scheduler));
        }
        this.loops = List.copyOf(all);
    }

    public void start() {
        loops.forEach(PeriodicLoop::start);
    }

    public void stop() {
        loops.forEach(PeriodicLoop::stop);
    }

    public boolean isRunning() {
        return loops.stream().anyMatch(PeriodicLoop::isRunning);
    }

    /** A pass on {@code shard} as soon as possible. */
    public void wake(int shard) {
        loops.get(shard).wake();
    }

    /** A pass on {@code shard} no later than {@code delay} from now. */
    public void wakeWithin(int shard, Duration delay) {
        loops.get(shard).wakeWithin(delay);
    }

    /** The phase of the owners: after the Kafka listener containers stop, before the pools close. */
    public static int phase() {
        return Integer.MAX_VALUE - 1000;
    }
}
