package com.flashkey.catalog.product;

import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.connection.ReactiveSubscription.Message;
import org.springframework.data.redis.listener.ChannelTopic;
import org.springframework.data.redis.listener.ReactiveRedisMessageListenerContainer;
import org.springframework.stereotype.Component;

import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.util.retry.Retry;

/**
 * Listens on the product-change channel for the life of the application and drops the local copy of every
 * changed product, on every replica. While the subscription is down a change may be missed, so each
 * (re)subscription starts by dropping the whole local cache; the local TTL bounds staleness in any case.
 * The service starts and serves (from the database) while Redis is down; the subscription follows when it is back.
 */
@Component
class ProductChangeSubscriber implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ProductChangeSubscriber.class);

    private final ReactiveRedisConnectionFactory connectionFactory;
    private final ProductCache cache;
    private final ProductKeys keys;
    private volatile Disposable subscription;

    ProductChangeSubscriber(ReactiveRedisConnectionFactory connectionFactory, ProductCache cache, ProductKeys keys) {
        this.connectionFactory = connectionFactory;
        this.cache = cache;
        this.keys = keys;
    }

    @Override
    public void start() {
        // A subscription for the application's lifetime, not a request path: it is disposed in stop().
        subscription = Mono.usingWhen(openContainer(), this::listen, ReactiveRedisMessageListenerContainer::destroyLater)
            .retryWhen(Retry.backoff(Long.MAX_VALUE, Duration.ofMillis(200))
                .maxBackoff(Duration.ofSeconds(10))
                .doBeforeRetry(signal -> log.warn("Product-change subscription down, retrying: {}",
                        signal.failure().toString())))
            .subscribe();
    }

    /** The container connects in its constructor, a blocking call: run it off the event loops. */
    private Mono<ReactiveRedisMessageListenerContainer> openContainer() {
        return Mono.fromCallable(() -> new ReactiveRedisMessageListenerContainer(connectionFactory))
            .subscribeOn(Schedulers.boundedElastic());
    }

    private Mono<Void> listen(ReactiveRedisMessageListenerContainer container) {
        return container.receiveLater(ChannelTopic.of(keys.changes()))
            .doOnNext(messages -> cache.dropAllLocal())
            .flatMapMany(messages -> messages)
            .map(Message::getMessage)
            .doOnNext(cache::dropLocal)
            .then(Mono.error(() -> new IllegalStateException("product-change subscription ended")));
    }

    @Override
    public void stop() {
        Disposable current = subscription;
        if (current != null) {
            current.dispose();
        }
        subscription = null;
    }

    @Override
    public boolean isRunning() {
        return subscription != null;
    }
}
