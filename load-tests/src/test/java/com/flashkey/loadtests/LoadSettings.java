package com.flashkey.loadtests;

import java.time.Duration;

/**
 * Parameters of every simulation, from system properties, so the same simulations run against a laptop suite
 * ({@code FLASHKEY_TRUST_LOCAL_XFF=1 bin/flashkey up}: see {@link #randomClientAddress()}) or a Kubernetes deployment. Example:
 * {@code ./mvnw -pl load-tests gatling:test -Dsimulation=com.flashkey.loadtests.FlashSaleSimulation -Drate=300}.
 */
record LoadSettings(String baseUrl, String directUrl, int rate, Duration rampUp, Duration hold, int stock,
        int buyers, String simpaySecret, String jwtSecret, String jwtAudience, String runId) {

    static LoadSettings fromSystemProperties() {
        return new LoadSettings(
                System.getProperty("baseUrl", "http://127.0.0.1:8080"),
                System.getProperty("directUrl", ""),
                Integer.getInteger("rate", 200),
                Duration.ofSeconds(Integer.getInteger("rampSeconds", 2)),
                Duration.ofSeconds(Integer.getInteger("holdSeconds", 20)),
                Integer.getInteger("stock", 500),
                Integer.getInteger("buyers", 100_000),
                System.getProperty("simpaySecret", env("FLASHKEY_SIMPAY_SECRET", "simpay-local-dev-secret-0001")),
                System.getProperty("jwtSecret", env("FLASHKEY_JWT_SECRET", "flashkey-local-dev-jwt-secret-0123456789abcdef")),
                System.getProperty("jwtAudience", env("FLASHKEY_JWT_AUDIENCE", "flashkey-admin")),
                System.getProperty("runId", Long.toString(System.currentTimeMillis(), 36).toUpperCase()));
    }

    /**
     * A client address per virtual user, sent as {@code X-Forwarded-For}: a flash sale comes from many shoppers, not
     * from one machine. The gateway believes it only from a trusted proxy ({@code flashkey.gateway.trusted-proxies};
     * locally only with the opt-in {@code FLASHKEY_TRUST_LOCAL_XFF=1 bin/flashkey up}, which trusts 127.0.0.1), so
     * per-client rate limits apply per virtual shopper; without it every virtual shopper is one client.
     */
    static String randomClientAddress() {
        java.util.concurrent.ThreadLocalRandom r = java.util.concurrent.ThreadLocalRandom.current();
        return "10." + r.nextInt(256) + "." + r.nextInt(256) + "." + (1 + r.nextInt(254));
    }

    /** The URL the load goes to: the gateway, or a service directly when {@code directUrl} is set. */
    String targetUrl() {
        return directUrl.isBlank() ? baseUrl : directUrl;
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
