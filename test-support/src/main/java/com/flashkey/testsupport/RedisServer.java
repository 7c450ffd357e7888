package com.flashkey.testsupport;

import org.testcontainers.containers.GenericContainer;

/** A Redis server reachable by tests; hands out unique key namespaces. */
public record RedisServer(String host, int port) {

    static RedisServer locate() {
        String host = TestInfrastructure.setting("FLASHKEY_TEST_REDIS_HOST", "127.0.0.1");
        int port = Integer.parseInt(TestInfrastructure.setting("FLASHKEY_TEST_REDIS_PORT", "6379"));
        if (TestInfrastructure.answers(host, port)) {
            return new RedisServer(host, port);
        }
        if (TestInfrastructure.dockerAvailable()) {
            @SuppressWarnings("resource")
            GenericContainer<?> container = new GenericContainer<>("redis:7")
                    .withCommand("redis-server", "--maxmemory-policy", "noeviction").withExposedPorts(6379);
            container.start();
            Runtime.getRuntime().addShutdownHook(new Thread(container::stop));
            return new RedisServer(container.getHost(), container.getMappedPort(6379));
        }
        throw new IllegalStateException("No Redis answers at " + host + ":" + port + " and no Docker engine is "
                + "available. Start it (redis-server --daemonize yes --port 6379) or set FLASHKEY_TEST_REDIS_HOST.");
    }

    /** A key prefix {@code t:<prefix>:<unique>:} whose keys are deleted after the test class. */
    public TestRedisNamespace newNamespace(String prefix) {
        return new TestRedisNamespace(this, "t:" + prefix + ":" + TestInfrastructure.uniqueSuffix() + ":");
    }

    public String uri() {
        return "redis://" + host + ":" + port;
    }
}
