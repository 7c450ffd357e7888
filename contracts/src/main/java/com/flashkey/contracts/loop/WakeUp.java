package com.flashkey.contracts.loop;

import java.util.Objects;
import java.util.function.IntConsumer;

/**
 * A writer's handle on the loop that handles what it wrote (the outbox row it committed), without depending on the
 * loop's owner, which usually depends on the writer. The owner {@link #connect connects} its loops; the writer
 * calls {@link #wake(int)} after its commit. Lanes name one of several loops (an order shard); a single loop uses 0.
 */
public final class WakeUp {

    private volatile IntConsumer target = lane -> { };

    /** Wakes the loop of {@code lane}; before a loop is connected nothing happens (its first poll finds the work). */
    public void wake(int lane) {
        target.accept(lane);
    }

    /** Connects the loops: {@code target} receives the lane of every wake. */
    public void connect(IntConsumer target) {
        this.target = Objects.requireNonNull(target, "target");
    }
}
