package com.flashkey.gateway.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

import com.flashkey.gateway.config.GatewayProperties.Policy;
import com.flashkey.testsupport.TestInfrastructure;
import com.flashkey.testsupport.TestRedisNamespace;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

/** Requests that arrive while a script call is in flight are decided together, each exactly as on its own. */
class RedisTokenBucketsTests {

    @RegisterExtension
    static TestRedisNamespace redis = TestInfrastructure.redis().newNamespace("gateway-buckets");

    private final LettuceConnectionFactory connections = connect();

    private final AtomicInteger calls = new AtomicInteger();

    /** The first script call waits for this gate, so everything submitted meanwhile queues behind it. */
    private final Sinks.Empty<Void> gate = Sinks.empty();

    private final ReactiveStringRedisTemplate template = new ReactiveStringRedisTemplate(connections) {
        @Override
        public <T> Flux<T> execute(RedisScript<T> script, List<String> keys, List<?> args) {
            Flux<T> call = super.execute(script, keys, args);
            return calls.getAndIncrement() == 0 ? call.delaySubscription(gate.asMono()) : call;
        }
    };

    private LettuceConnectionFactory connect() {
        LettuceConnectionFactory factory = new LettuceConnectionFactory(
                new RedisStandaloneConfiguration(redis.server().host(), redis.server().port()));
        factory.afterPropertiesSet();
        factory.start();
        return factory;
    }

    @AfterEach
    void close() {
        connections.destroy();
    }

    private final Policy perClient = new Policy(4, Duration.ofMinutes(10), 4L, false);

    private final Policy global = new Policy(10, Duration.ofMinutes(10), 10L, true);

    private List<Bucket> bucketsOf(int client) {
        String route = redis.prefix() + "gw:rl:{batch}:";
        return List.of(new Bucket(route + "client:" + client, perClient), new Bucket(route + "global", global));
    }

    @Test
    void whenRequestsArriveWhileACallIsInFlightThenOneMoreCallDecidesThemAllExactly() throws InterruptedException {
        RedisTokenBuckets buckets = new RedisTokenBuckets(template, Duration.ofSeconds(10), redis.prefix());
        int requests = 30;
        CountDownLatch answered = new CountDownLatch(requests);
        ConcurrentLinkedQueue<String> admitted = new ConcurrentLinkedQueue<>();
        AtomicInteger failures = new AtomicInteger();
        for (int i = 0; i < requests; i++) {
            int client = i % 3;
            buckets.take("{batch}", bucketsOf(client), Runnable::run, (decision, failure) -> {
                if (failure != null) {
                    failures.incrementAndGet();
                }
                else if (decision.allowed()) {
                    admitted.add("client-" + client);
                }
                answered.countDown();
            });
        }
        gate.tryEmitEmpty();

        assertThat(answered.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(failures).hasValue(0);
        assertThat(calls).as("script calls: the first request's, then one for the 29 that queued").hasValue(2);
        assertThat(admitted).as("the global cap, all or nothing").hasSize(10);
        Map<String, Long> perClientAdmitted = admitted.stream()
            .collect(Collectors.groupingBy(client -> client, Collectors.counting()));
        assertThat(perClientAdmitted.values()).allMatch(count -> count <= 4);
        String globalLeft = redis.withCommands(commands -> commands.hget(redis.prefix() + "gw:rl:{batch}:global", "tokens"));
        assertThat(Double.parseDouble(globalLeft)).isLessThan(1.0);
    }

    @Test
    void whenACallFailsThenItsRequestsAndThoseQueuedBehindItGetTheFailure() throws InterruptedException {
        ReactiveStringRedisTemplate failing = new ReactiveStringRedisTemplate(connections) {
            @Override
            public <T> Flux<T> execute(RedisScript<T> script, List<String> keys, List<?> args) {
                calls.incrementAndGet();
                return Flux.<T>error(new IllegalStateException("Redis down")).delaySubscription(gate.asMono());
            }
        };
        RedisTokenBuckets buckets = new RedisTokenBuckets(failing, Duration.ofSeconds(10), redis.prefix());
        CountDownLatch answered = new CountDownLatch(5);
        AtomicInteger failures = new AtomicInteger();
        for (int i = 0; i < 5; i++) {
            buckets.take("{batch}", bucketsOf(i), Runnable::run, (decision, failure) -> {
                if (failure != null) {
                    failures.incrementAndGet();
                }
                answered.countDown();
            });
        }
        gate.tryEmitEmpty();
        assertThat(answered.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(failures).hasValue(5);
        assertThat(calls).as("the queued ones were not sent to a Redis that just failed").hasValue(1);
    }
}
