package com.flashkey.testsupport;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

import org.testcontainers.mariadb.MariaDBContainer;

/** A MariaDB server reachable by tests; hands out uniquely named databases. */
public record MariaDbServer(String host, int port, String user, String password) {

    static MariaDbServer locate() {
        String host = TestInfrastructure.setting("FLASHKEY_TEST_DB_HOST", "127.0.0.1");
        int port = Integer.parseInt(TestInfrastructure.setting("FLASHKEY_TEST_DB_PORT", "3306"));
        String user = TestInfrastructure.setting("FLASHKEY_TEST_DB_USER", "root");
        String password = TestInfrastructure.setting("FLASHKEY_TEST_DB_PASSWORD", "");
        if (TestInfrastructure.answers(host, port)) {
            return new MariaDbServer(host, port, user, password);
        }
        if (TestInfrastructure.dockerAvailable()) {
            MariaDBContainer container = new MariaDBContainer("mariadb:10.11").withUsername("root").withPassword("test");
            container.start();
            Runtime.getRuntime().addShutdownHook(new Thread(container::stop));
            return new MariaDbServer(container.getHost(), container.getMappedPort(3306), "root", "test");
        }
        throw new IllegalStateException("No MariaDB answers at " + host + ":" + port + " and no Docker engine is "
                + "available. Start it (start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd) "
                + "or set FLASHKEY_TEST_DB_HOST/FLASHKEY_TEST_DB_PORT.");
    }

    /** JDBC URL of the server without a database. */
    public String jdbcUrl() {
        return "jdbc:mariadb://" + host + ":" + port + "/";
    }

    /** Creates a database named {@code t_<prefix>_<unique>}; it is dropped after the test class. */
    public TestDatabase newDatabase(String prefix) {
        String name = ("t_" + prefix + "_" + TestInfrastructure.uniqueSuffix()).replace('-', '_');
        execute("CREATE DATABASE `" + name + "` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin");
        return new TestDatabase(this, name);
    }

    void execute(String sql) {
        try (Connection connection = DriverManager.getConnection(jdbcUrl(), user, password);
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
        catch (SQLException ex) {
            throw new IllegalStateException("MariaDB refused: " + sql, ex);
        }
    }
}
