package com.flashkey.catalog;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.web.reactive.server.WebTestClient;

import com.flashkey.catalog.product.ProductCatalog;
import com.flashkey.testsupport.TestDatabase;
import com.flashkey.testsupport.TestRedisNamespace;

import io.micrometer.core.instrument.MeterRegistry;

/**
 * One running catalog-service application context, as a replica in a deployment: several replicas of one test
 * share the database and the Redis namespace, like pods of one Deployment.
 */
public final class Replica implements AutoCloseable {

    private final ConfigurableApplicationContext context;
    private final WebTestClient web;

    private Replica(ConfigurableApplicationContext context) {
        this.context = context;
        String port = context.getEnvironment().getRequiredProperty("local.server.port");
        this.web = WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + port).responseTimeout(Duration.ofSeconds(60)).build();
    }

    /** Starts a replica on a random port; {@code overrides} replace any of the computed settings. */
    public static Replica start(TestDatabase db, TestRedisNamespace redis, Map<String, String> overrides) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("server.port", "0");
        settings.put("spring.profiles.active", "test");
        settings.put("spring.r2dbc.url", db.r2dbcUrl());
        settings.put("spring.r2dbc.username", db.server().user());
        settings.put("spring.r2dbc.password", db.server().password());
        settings.put("spring.flyway.url", db.server().jdbcUrl());
        settings.put("spring.flyway.user", db.server().user());
        settings.put("spring.flyway.password", db.server().password());
        settings.put("spring.flyway.default-schema", db.name());
        settings.put("spring.flyway.schemas", db.name());
        settings.put("spring.data.redis.host", redis.server().host());
        settings.put("spring.data.redis.port", Integer.toString(redis.server().port()));
        settings.put("flashkey.redis.key-prefix", redis.prefix());
        settings.putAll(overrides);
        String[] args = settings.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue()).toArray(String[]::new);
        return new Replica(new SpringApplicationBuilder(CatalogServiceApplication.class, OwnNettyResources.class).run(args));
    }

    public static Replica start(TestDatabase db, TestRedisNamespace redis) {
        return start(db, redis, Map.of());
    }

    public WebTestClient web() {
        return web;
    }

    public ProductCatalog catalog() {
        return context.getBean(ProductCatalog.class);
    }

    /** Product queries this replica sent to the database (its cache misses that reached the truth). */
    public double databaseLoads() {
        return loads("database");
    }

    /** Products this replica found in Redis after a local miss. */
    public double redisHits() {
        return loads("redis");
    }

    /** Reads of this replica's local product cache by result ({@code hit} or {@code miss}). */
    public double localCacheGets(String result) {
        return context.getBean(MeterRegistry.class)
            .get("cache.gets")
            .tag("cache", "catalog.products")
            .tag("result", result)
            .functionCounter()
            .count();
    }

    private double loads(String source) {
        return context.getBean(MeterRegistry.class).get("catalog.product.loads").tag("source", source).counter().count();
    }

    @Override
    public void close() {
        context.close();
    }

    /** Writes a product straight into the database, behind every cache: a cold SKU. */
    public static void insertProduct(TestDatabase db, String sku, String name, Instant saleStartsAt, Instant saleEndsAt,
            boolean active) {
        try (Connection connection = db.connect(); PreparedStatement insert = connection.prepareStatement("""
                INSERT INTO product (sku, name, description, price_minor, currency, sale_starts_at, sale_ends_at,
                                     per_buyer_limit, active, version, created_at, updated_at)
                VALUES (?, ?, 'inserted by a test', 990, 'CNY', ?, ?, 2, ?, 0, UTC_TIMESTAMP(6), UTC_TIMESTAMP(6))""")) {
            insert.setString(1, sku);
            insert.setString(2, name);
            insert.setString(3, utc(saleStartsAt));
            insert.setString(4, utc(saleEndsAt));
            insert.setBoolean(5, active);
            insert.executeUpdate();
        }
        catch (SQLException ex) {
            throw new IllegalStateException(ex);
        }
    }

    /** Renames a product in the database behind the caches' back (no invalidation is sent). */
    public static void renameBehindTheCache(TestDatabase db, String sku, String name) {
        try (Connection connection = db.connect();
                PreparedStatement update = connection.prepareStatement("UPDATE product SET name = ? WHERE sku = ?")) {
            update.setString(1, name);
            update.setString(2, sku);
            update.executeUpdate();
        }
        catch (SQLException ex) {
            throw new IllegalStateException(ex);
        }
    }

    private static String utc(Instant instant) {
        // DATETIME literal in UTC, independent of the JDBC driver's zone handling.
        return Timestamp.from(instant).toInstant().toString().replace("T", " ").replace("Z", "");
    }
}
