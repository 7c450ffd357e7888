package com.flashkey.testsupport;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * A database owned by one test class. Register it as a static {@code @RegisterExtension} field so it is dropped
 * after the class; call {@link #registerR2dbcAndFlyway} from a {@code @DynamicPropertySource} method.
 */
public final class TestDatabase implements AfterAllCallback, AutoCloseable {

    private final MariaDbServer server;
    private final String name;

    TestDatabase(MariaDbServer server, String name) {
        this.server = server;
        this.name = name;
    }

    public String name() {
        return name;
    }

    public MariaDbServer server() {
        return server;
    }

    /** R2DBC URL in UTC (r2dbc-mysql would otherwise convert with the JVM's zone). */
    public String r2dbcUrl() {
        return "r2dbc:mysql://" + server.host() + ":" + server.port() + "/" + name + "?connectionTimeZone=UTC";
    }

    public String jdbcUrl() {
        return server.jdbcUrl() + name;
    }

    /** A plain JDBC connection, for test assertions and fixtures only. */
    public Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(), server.user(), server.password());
    }

    /** Points {@code spring.r2dbc.*} and {@code spring.flyway.*} at this database. */
    public void registerR2dbcAndFlyway(DynamicPropertyRegistry registry) {
        registry.add("spring.r2dbc.url", this::r2dbcUrl);
        registry.add("spring.r2dbc.username", server::user);
        registry.add("spring.r2dbc.password", server::password);
        registry.add("spring.flyway.url", server::jdbcUrl);
        registry.add("spring.flyway.user", server::user);
        registry.add("spring.flyway.password", server::password);
        registry.add("spring.flyway.default-schema", this::name);
        registry.add("spring.flyway.schemas", this::name);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    @Override
    public void close() {
        server.execute("DROP DATABASE IF EXISTS `" + name + "`");
    }
}
