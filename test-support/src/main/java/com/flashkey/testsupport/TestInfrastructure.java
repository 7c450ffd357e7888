package com.flashkey.testsupport;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Locale;
import java.util.UUID;

/**
 * The one door to test infrastructure. Each server is found once per JVM:
 * <ol>
 * <li>the server named by a system property or environment variable, or the local default, when it answers;</li>
 * <li>otherwise a Testcontainers container, where a Docker engine exists;</li>
 * <li>for Kafka, otherwise an in-JVM KRaft broker (spring-kafka-test).</li>
 * </ol>
 * Settings: {@code FLASHKEY_TEST_DB_HOST/PORT/USER/PASSWORD} (default 127.0.0.1:3306 root, empty password),
 * {@code FLASHKEY_TEST_REDIS_HOST/PORT} (127.0.0.1:6379), {@code FLASHKEY_TEST_KAFKA_BOOTSTRAP} (unset: in-JVM
 * broker). System properties use the same names in lower case with dots: {@code flashkey.test.db.host}.
 */
public final class TestInfrastructure {

    private static volatile MariaDbServer mariaDb;
    private static volatile RedisServer redis;
    private static volatile KafkaBroker kafka;

    private TestInfrastructure() {
    }

    public static synchronized MariaDbServer mariaDb() {
        if (mariaDb == null) {
            mariaDb = MariaDbServer.locate();
        }
        return mariaDb;
    }

    public static synchronized RedisServer redis() {
        if (redis == null) {
            redis = RedisServer.locate();
        }
        return redis;
    }

    public static synchronized KafkaBroker kafka() {
        if (kafka == null) {
            kafka = KafkaBroker.locate();
        }
        return kafka;
    }

    /** A short unique name part: lower-case letters and digits, safe for databases, keys and topics. */
    public static String uniqueSuffix() {
        return UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    static String setting(String name, String fallback) {
        String property = System.getProperty(name.toLowerCase(Locale.ROOT).replace('_', '.'));
        if (property != null && !property.isBlank()) {
            return property;
        }
        String env = System.getenv(name);
        return env != null && !env.isBlank() ? env : fallback;
    }

    static boolean answers(String host, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 500);
            return true;
        }
        catch (Exception ex) {
            return false;
        }
    }

    static boolean dockerAvailable() {
        try {
            return org.testcontainers.DockerClientFactory.instance().isDockerAvailable();
        }
        catch (Throwable ex) {
            return false;
        }
    }
}
