package com.flashkey.gateway.resilience;

import java.time.Duration;

import io.netty.channel.ChannelOption;

import org.springframework.cloud.gateway.config.HttpClientCustomizer;
import org.springframework.stereotype.Component;

import com.flashkey.gateway.config.GatewayProperties;

import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.util.context.Context;

/**
 * Time limits enforced by the downstream connection itself: the route's limit travels in the Reactor context of the
 * routing call ({@link #limit}) and becomes Reactor Netty's response timeout for that one request, a read timeout
 * on the connection's own event loop. The alternatives each scheduled a task on Reactor's shared timer per request
 * (resilience4j's TimeLimiter and the gateway's {@code response-timeout} route metadata, both {@code timeout()}
 * operators), with a thread hop to cancel it, and the metadata also copied the HTTP client's whole configuration per
 * request to apply a connect timeout; the connect timeout is set here once instead.
 */
@Component
class DownstreamTimeouts implements HttpClientCustomizer {

    private static final Class<DownstreamTimeouts> KEY = DownstreamTimeouts.class;

    private final int connectTimeoutMillis;

    DownstreamTimeouts(GatewayProperties properties) {
        this.connectTimeoutMillis = Math.toIntExact(properties.connectTimeout().toMillis());
    }

    @Override
    public HttpClient customize(HttpClient client) {
        return client.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMillis)
            .doOnRequest((request, connection) -> {
                Duration timeout = request.currentContextView().getOrDefault(KEY, null);
                if (timeout != null) {
                    request.responseTimeout(timeout);
                }
            });
    }

    /** The routing call made inside {@code call} gets {@code timeout} as its response timeout. */
    static <T> Mono<T> limit(Mono<T> call, Context timeout) {
        return call.contextWrite(timeout);
    }

    /** The context entry that carries a route's limit; built once per route. */
    static Context timeout(Duration timeout) {
        return Context.of(KEY, timeout);
    }
}
