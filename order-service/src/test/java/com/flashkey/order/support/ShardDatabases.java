package com.flashkey.order.support;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.springframework.test.context.DynamicPropertyRegistry;

import com.flashkey.testsupport.TestDatabase;
import com.flashkey.testsupport.TestInfrastructure;

/**
 * Registers one TestDatabase per shard as order-service's shard URLs, and reads them back with JDBC. As a static
 * {@code @RegisterExtension} field it drops its databases after the class.
 */
public final class ShardDatabases implements AfterAllCallback, AutoCloseable {

    private final List<TestDatabase> shards;

    public ShardDatabases(List<TestDatabase> shards) {
        this.shards = List.copyOf(shards);
    }

    /** {@code count} new databases named {@code namePrefix + index} (for example orders0 .. orders3). */
    public static ShardDatabases newShards(String namePrefix, int count) {
        List<TestDatabase> dbs = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            dbs.add(TestInfrastructure.mariaDb().newDatabase(namePrefix + i));
        }
        return new ShardDatabases(dbs);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    @Override
    public void close() {
        shards.forEach(TestDatabase::close);
    }

    public void register(DynamicPropertyRegistry registry) {
        registry.add("flashkey.order.shards.count", shards::size);
        registry.add("flashkey.order.shards.username", () -> shards.get(0).server().user());
        registry.add("flashkey.order.shards.password", () -> shards.get(0).server().password());
        for (int i = 0; i < shards.size(); i++) {
            TestDatabase db = shards.get(i);
            registry.add("flashkey.order.shards.overrides." + i + ".r2dbc-url", db::r2dbcUrl);
            registry.add("flashkey.order.shards.overrides." + i + ".jdbc-url", db::jdbcUrl);
        }
    }

    /** The same settings as command-line style properties, for contexts started by hand. */
    public List<String> properties() {
        List<String> props = new ArrayList<>();
        props.add("flashkey.order.shards.count=" + shards.size());
        props.add("flashkey.order.shards.username=" + shards.get(0).server().user());
        props.add("flashkey.order.shards.password=" + shards.get(0).server().password());
        for (int i = 0; i < shards.size(); i++) {
            props.add("flashkey.order.shards.overrides." + i + ".r2dbc-url=" + shards.get(i).r2dbcUrl());
            props.add("flashkey.order.shards.overrides." + i + ".jdbc-url=" + shards.get(i).jdbcUrl());
        }
        return props;
    }

    public TestDatabase shard(int index) {
        return shards.get(index);
    }

    public int count() {
        return shards.size();
    }

    /** Order numbers stored in one shard. */
    public List<String> orderNos(int shard) {
        return strings(shard, "SELECT order_no FROM orders");
    }

    public List<String> strings(int shard, String sql) {
        try (Connection c = shards.get(shard).connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            List<String> out = new ArrayList<>();
            while (rs.next()) {
                out.add(rs.getString(1));
            }
            return out;
        }
        catch (SQLException ex) {
            throw new IllegalStateException(ex);
        }
    }

    public int update(int shard, String sql) {
        try (Connection c = shards.get(shard).connect(); Statement s = c.createStatement()) {
            return s.executeUpdate(sql);
        }
        catch (SQLException ex) {
            throw new IllegalStateException(ex);
        }
    }

    public int totalRows() {
        int total = 0;
        for (int i = 0; i < shards.size(); i++) {
            total += Integer.parseInt(strings(i, "SELECT COUNT(*) FROM orders").get(0));
        }
        return total;
    }
}
