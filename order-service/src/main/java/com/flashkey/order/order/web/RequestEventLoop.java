package com.flashkey.order.order.web;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import io.netty.channel.EventLoop;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.Exceptions;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.netty.Connection;

import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.web.server.ServerWebExchange;

/**
 * The event loop that serves a request's connection, as a {@link Scheduler} for {@code publishOn}. Lettuce completes
 * every Redis reply on its one I/O thread (and Kafka its sends on the producer's one network thread): without a hop
 * back, the rest of each order request (encoding and writing the answer) ran on that single thread, which then
 * capped the service at one core and wrote into the request's channel from a foreign thread.
 * <p>
 * One scheduler per event loop, kept: nothing is allocated per request. A signal that arrives on the loop already
 * is passed on at once, without a task.
 */
final class RequestEventLoop {

    private static final ConcurrentMap<EventLoop, Scheduler> SCHEDULERS = new ConcurrentHashMap<>();

    /** Nothing to cancel: a task handed to the loop runs soon, and {@code publishOn} drops a cancelled signal. */
    private static final Disposable QUEUED = () -> {
    };

    private RequestEventLoop() {
    }

    /** The request's event loop, or the calling thread when it is not served by Reactor Netty. */
    static Scheduler of(ServerWebExchange exchange) {
        Object nativeRequest = ServerHttpRequestDecorator.getNativeRequest(exchange.getRequest());
        if (nativeRequest instanceof Connection connection) {
            return SCHEDULERS.computeIfAbsent(connection.channel().eventLoop(), LoopScheduler::new);
        }
        return Schedulers.immediate();
    }

    /** Runs a task at once on its loop, else hands it to the loop. */
    private static Disposable run(EventLoop loop, Runnable task) {
        if (loop.inEventLoop()) {
            task.run();
            return Disposables.disposed();
        }
        // A loop that shuts down refuses the task (RejectedExecutionException); publishOn turns that into an error.
        loop.execute(task);
        return QUEUED;
    }

    private record LoopScheduler(EventLoop loop) implements Scheduler {

        @Override
        public Disposable schedule(Runnable task) {
            return run(loop, task);
        }

        @Override
        public Worker createWorker() {
            return new LoopWorker(loop);
        }
    }

    /** A worker of one loop: the loop runs its tasks in order; after dispose it takes none. */
    private static final class LoopWorker implements Scheduler.Worker {

        private final EventLoop loop;
        private volatile boolean disposed;

        LoopWorker(EventLoop loop) {
            this.loop = loop;
        }

        @Override
        public Disposable schedule(Runnable task) {
            if (disposed) {
                throw Exceptions.failWithRejected();
            }
            return run(loop, () -> {
                if (!disposed) {
                    task.run();
                }
            });
        }

        @Override
        public void dispose() {
            disposed = true;
        }

        @Override
        public boolean isDisposed() {
            return disposed;
        }
    }
}
