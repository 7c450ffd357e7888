package com.flashkey.gateway.ratelimit;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.web.server.ServerWebExchange;

import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.netty.Connection;

/**
 * The event loop that serves a request's connection, as a Scheduler. Lettuce completes every Redis reply on its
 * one I/O thread; without a hop back, the rest of each rate-limited request (routing, the downstream call, the
 * breaker) would run on that single thread, which then caps the whole gateway at one core.
 */
final class RequestEventLoop {

    /** One Scheduler per event loop (a handful per process), not one per request. */
    private static final Map<Executor, Scheduler> SCHEDULERS = new ConcurrentHashMap<>();

    private RequestEventLoop() {
    }

    /** The request's event loop, or the immediate scheduler when it is not served by Reactor Netty. */
    static Scheduler of(ServerWebExchange exchange) {
        Object nativeRequest = ServerHttpRequestDecorator.getNativeRequest(exchange.getRequest());
        if (nativeRequest instanceof Connection connection) {
            Executor loop = connection.channel().eventLoop();
            return SCHEDULERS.computeIfAbsent(loop, Schedulers::fromExecutor);
        }
        return Schedulers.immediate();
    }
}
