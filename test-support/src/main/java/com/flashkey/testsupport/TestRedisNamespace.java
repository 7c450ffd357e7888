package com.flashkey.testsupport;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.springframework.test.context.DynamicPropertyRegistry;

import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;

/**
 * A key prefix owned by one test class; every key under it is deleted afterwards. Services take their key prefix
 * from configuration ({@code flashkey.<service>.redis-key-prefix}), so tests never touch each other's keys.
 */
public final class TestRedisNamespace implements AfterAllCallback, AutoCloseable {

    private final RedisServer server;
    private final String prefix;

    TestRedisNamespace(RedisServer server, String prefix) {
        this.server = server;
        this.prefix = prefix;
    }

    public String prefix() {
        return prefix;
    }

    public RedisServer server() {
        return server;
    }

    /** Points {@code spring.data.redis.*} at the server. */
    public void registerRedis(DynamicPropertyRegistry registry) {
        registry.add("spring.data.redis.host", server::host);
        registry.add("spring.data.redis.port", server::port);
    }

    /** Runs a command against the server, for test fixtures and assertions. */
    public <T> T withCommands(java.util.function.Function<RedisCommands<String, String>, T> action) {
        RedisClient client = RedisClient.create(server.uri());
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            return action.apply(connection.sync());
        }
        finally {
            client.shutdown();
        }
    }

    /** Deletes every key of this namespace now (also used by tests that simulate a Redis loss). */
    public long deleteAll() {
        return withCommands(redis -> {
            long deleted = 0;
            ScanCursor cursor = ScanCursor.INITIAL;
            do {
                KeyScanCursor<String> page = redis.scan(cursor, ScanArgs.Builder.matches(prefix + "*").limit(1000));
                if (!page.getKeys().isEmpty()) {
                    deleted += redis.unlink(page.getKeys().toArray(String[]::new));
                }
                cursor = page;
            }
            while (!cursor.isFinished());
            return deleted;
        });
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    @Override
    public void close() {
        deleteAll();
    }
}
