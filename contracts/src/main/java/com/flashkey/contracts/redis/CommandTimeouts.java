package com.flashkey.contracts.redis;

import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.netty.util.Timeout;
import io.netty.util.Timer;
import io.netty.util.TimerTask;

/**
 * The timer Lettuce schedules every command's timeout on, as a replacement for its default Netty
 * {@code HashedWheelTimer}. Lettuce cancels a command's timeout when the reply arrives, but the wheel forgets a
 * cancelled timeout only at its next 100 ms tick, and the timeout holds the command, which holds the whole reactive
 * chain of the request that sent it. At 10,000 Redis commands a second that kept ~1,000-7,000 finished requests
 * reachable: they survived every young collection, were promoted and filled the old generation (a heap dump of
 * order-service under sold-out load: most retained request chains hung off {@code HashedWheelTimer} timeouts;
 * young collections took 40-100 ms and a full collection ran every few seconds).
 * <p>
 * Here a timeout is a task of a {@link ScheduledThreadPoolExecutor} with remove-on-cancel: a cancelled timeout
 * leaves the queue at once, and nothing of the request outlives its reply. One thread runs the (rare) expiries, as
 * the wheel's did; an idle timer does not wake up at all, where the wheel ticked ten times a second.
 * Pass it with {@code ClientResources.builder().timer(...)}; Lettuce does not stop a timer it was given, so its
 * owner calls {@link #stop()}.
 */
public final class CommandTimeouts implements Timer {

    private final ScheduledThreadPoolExecutor executor;

    public CommandTimeouts(String threadName) {
        this.executor = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, threadName);
            thread.setDaemon(true);
            return thread;
        });
        executor.setRemoveOnCancelPolicy(true);
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    }

    @Override
    public Timeout newTimeout(TimerTask task, long delay, TimeUnit unit) {
        Scheduled timeout = new Scheduled(task);
        timeout.future = executor.schedule(timeout, delay, unit);
        // A cancel that came before the future was known could not remove it: remove it now.
        if (timeout.isCancelled()) {
            timeout.future.cancel(false);
        }
        return timeout;
    }

    /** Pending timeouts in the queue (tests: a cancelled one must not stay). */
    public int pending() {
        return executor.getQueue().size();
    }

    @Override
    public Set<Timeout> stop() {
        executor.shutdownNow();
        return Set.of();
    }

    private final class Scheduled implements Timeout, Runnable {

        private static final int PENDING = 0;
        private static final int CANCELLED = 1;
        private static final int EXPIRED = 2;

        private final TimerTask task;
        private final AtomicInteger state = new AtomicInteger(PENDING);
        private volatile ScheduledFuture<?> future;

        Scheduled(TimerTask task) {
            this.task = task;
        }

        @Override
        public void run() {
            if (state.compareAndSet(PENDING, EXPIRED)) {
                try {
                    task.run(this);
                }
                catch (Exception ex) {
                    // As the wheel does: one failing task must not stop the timer's thread.
                    Thread.currentThread().getUncaughtExceptionHandler().uncaughtException(Thread.currentThread(), ex);
                }
            }
        }

        @Override
        public Timer timer() {
            return CommandTimeouts.this;
        }

        @Override
        public TimerTask task() {
            return task;
        }

        @Override
        public boolean isExpired() {
            return state.get() == EXPIRED;
        }

        @Override
        public boolean isCancelled() {
            return state.get() == CANCELLED;
        }

        @Override
        public boolean cancel() {
            if (!state.compareAndSet(PENDING, CANCELLED)) {
                return false;
            }
            ScheduledFuture<?> scheduled = future;
            if (scheduled != null) {
                scheduled.cancel(false);
            }
            return true;
        }
    }
}
