package com.flashkey.gateway.ratelimit;

import java.util.concurrent.Executor;

import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.web.server.ServerWebExchange;

import reactor.netty.Connection;

/**
 * The event loop that serves a request's connection. Lettuce completes every Redis reply on its one I/O thread;
 * without a hop back, the rest of each rate-limited request (routing, the downstream call, the breaker) would run on
 * that single thread, which then caps the whole gateway at one core.
 */
final class RequestEventLoop {

    private static final Executor IMMEDIATE = Runnable::run;

    private RequestEventLoop() {
    }

    /** The request's event loop, or the calling thread when it is not served by Reactor Netty. */
    static Executor of(ServerWebExchange exchange) {
        Object nativeRequest = ServerHttpRequestDecorator.getNativeRequest(exchange.getRequest());
        if (nativeRequest instanceof Connection connection) {
            return connection.channel().eventLoop();
        }
        return IMMEDIATE;
    }
}
