package com.flashkey.e2e;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The real FlashKey suite, started as separate processes by {@code bin/flashkey up} exactly as a developer starts it,
 * but as an independent instance beside any other: its own state directory, ports (offset), database names (a
 * per-run prefix), Redis server (a private one the fault tests may restart empty) and Kafka broker. The tests reach
 * it only as outsiders do: through the gateway, the webhook endpoint, and the SMTP sink's API.
 *
 * <p>Started once per test JVM (see {@link E2eExtension}); {@link #close()} stops it, drops its databases and keeps
 * the process logs under {@code target/e2e-logs} for the CI report.
 *
 * <p>Settings (system properties): {@code e2e.portOffset} (20000), {@code e2e.redisPort} (26379),
 * {@code e2e.keepRunning=true} leaves the suite up after the run and reuses a running one (for working on the tests;
 * it then uses the database prefix {@code e2e.dbPrefix}, default {@code e2e_dev_}, so a restarted part finds its data).
 */
public final class E2eSuite implements AutoCloseable {

    /** Short enough for the expiry tests to run in a minute, long enough for a buyer to pay through any fault. */
    static final Duration PAYMENT_TIMEOUT = Duration.ofSeconds(90);

    /**
     * How long past the deadline a payment still counts before the order expires and its stock goes back (60 s by
     * default): a buyer who learned of the order late, after retries through a fault, still gets the key.
     */
    static final Duration PAYMENT_GRACE = Duration.ofSeconds(30);

    private static final String[] SERVICES = { "gateway", "catalog-service", "inventory-service", "order-service",
            "payment-callback-service", "notification-service" };

    private final Path root;
    private final Path home;
    private final Path logDir;
    private final int portOffset;
    private final int redisPort;
    private final String dbPrefix;
    private final boolean keepRunning;
    private final Map<String, String> environment = new LinkedHashMap<>();
    private volatile Shop shop;

    private E2eSuite() {
        this.root = Path.of(System.getProperty("e2e.projectRoot", "..")).toAbsolutePath().normalize();
        this.home = root.resolve(".flashkey/e2e");
        this.logDir = Path.of(System.getProperty("e2e.logDir", "target/e2e-logs")).toAbsolutePath();
        this.portOffset = Integer.getInteger("e2e.portOffset", 20000);
        this.redisPort = Integer.getInteger("e2e.redisPort", 26379);
        this.keepRunning = Boolean.getBoolean("e2e.keepRunning");
        // A reused suite keeps the database names it was started with.
        this.dbPrefix = keepRunning ? System.getProperty("e2e.dbPrefix", "e2e_dev_")
                : "e2e_" + Long.toString(System.currentTimeMillis(), 36).toLowerCase(Locale.ROOT) + "_";
        environment.put("FLASHKEY_HOME", home.toString());
        environment.put("FLASHKEY_PORT_OFFSET", Integer.toString(portOffset));
        environment.put("FLASHKEY_DB_PREFIX", dbPrefix);
        environment.put("REDIS_PORT", Integer.toString(redisPort));
        environment.put("FLASHKEY_SEED", "0");
        // One Redis namespace per run as well: a private Redis left over from an aborted run holds nothing we read.
        environment.put("REDIS_KEY_PREFIX", dbPrefix.replace('_', ':'));
        environment.put("FLASHKEY_ORDER_PAYMENTTIMEOUT", PAYMENT_TIMEOUT.toSeconds() + "s");
        environment.put("FLASHKEY_ORDER_PAYMENTGRACE", PAYMENT_GRACE.toSeconds() + "s");
        // 4 shards x 8 connections: the whole instance stays well inside MariaDB's default 151 connections, which
        // the machine's other users (CI, developers' suites) share.
        environment.put("FLASHKEY_ORDER_SHARDS_POOLMAXSIZE", "8");
        // Loopback stands for thousands of shoppers: each test buyer sends its own X-Forwarded-For.
        environment.put("FLASHKEY_TRUST_LOCAL_XFF", "1");
    }

    /** Starts the suite (about 1-2 minutes on this 2-core machine; jars are built first if stale). */
    static E2eSuite start() {
        E2eSuite suite = new E2eSuite();
        try {
            Files.createDirectories(suite.logDir);
            if (!suite.keepRunning) {
                // A fresh broker per run: topics and committed offsets of an earlier run are not ours.
                suite.launcher(Duration.ofMinutes(3), "down");
                deleteRecursively(suite.home.resolve("kafka/data"));
            }
            suite.launcher(Duration.ofMinutes(12), "up");
            suite.shop().awaitRoutesAnswer(Duration.ofMinutes(3));
        }
        catch (RuntimeException | IOException ex) {
            suite.keepLogs();
            throw new IllegalStateException("the suite did not start: " + ex.getMessage(), ex);
        }
        return suite;
    }

    /** The one client all tests share (its connection pool stays warm across classes). */
    Shop shop() {
        Shop current = shop;
        if (current == null) {
            current = new Shop(this);
            shop = current;
        }
        return current;
    }

    URI gateway() {
        return URI.create("http://127.0.0.1:" + (8080 + portOffset));
    }

    /** inventory-service straight, as order-service calls it (its internal API is not routed by the gateway). */
    URI inventoryService() {
        return URI.create("http://127.0.0.1:" + (8082 + portOffset));
    }

    URI mailApi() {
        return URI.create("http://127.0.0.1:" + (8025 + portOffset));
    }

    String jwtSecret() {
        return System.getenv().getOrDefault("FLASHKEY_JWT_SECRET", "flashkey-local-dev-jwt-secret-0123456789abcdef");
    }

    /** The audience the suite's services require of admin tokens (bin/flashkey passes it on as it is). */
    String jwtAudience() {
        return System.getenv().getOrDefault("FLASHKEY_JWT_AUDIENCE", "flashkey-admin");
    }

    String simpaySecret() {
        return System.getenv().getOrDefault("FLASHKEY_SIMPAY_SECRET", "simpay-local-dev-secret-0001");
    }

    /** kill -9 of one part (a service, kafka, greenmail or redis): no shutdown hook, no flush. */
    void kill(String part) {
        launcher(Duration.ofMinutes(1), "kill", part);
    }

    /** kill -9 of one part, down for {@code downFor}, then started again (even if the wait is interrupted). */
    void killAndRestart(String part, Duration downFor) {
        kill(part);
        try {
            Sale.sleep(downFor);
        }
        finally {
            start(part);
        }
    }

    /** Graceful stop of one part. */
    void stop(String part) {
        launcher(Duration.ofMinutes(4), "stop", part);
    }

    /** Starts one part and waits until it is ready. */
    void start(String part) {
        launcher(Duration.ofMinutes(5), "start", part);
    }

    /** Runs bin/flashkey with this instance's settings; its output goes to launcher.log (and the error's message). */
    void launcher(Duration timeout, String... args) {
        List<String> command = new ArrayList<>();
        command.add(root.resolve("bin/flashkey").toString());
        command.addAll(List.of(args));
        Path log = logDir.resolve("launcher.log");
        try {
            Files.createDirectories(logDir);
            Files.writeString(log, "\n== " + Instant.now() + " bin/flashkey " + String.join(" ", args) + "\n",
                    StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.APPEND);
            Path out = Files.createTempFile(logDir, "launcher", ".out");
            ProcessBuilder builder = new ProcessBuilder(command).directory(root.toFile()).redirectErrorStream(true)
                    .redirectOutput(out.toFile());
            builder.environment().putAll(environment);
            Process process = builder.start();
            boolean finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!finished) {
                process.destroyForcibly();
            }
            String output = Files.readString(out, StandardCharsets.UTF_8);
            Files.writeString(log, output, StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);
            Files.deleteIfExists(out);
            if (!finished || process.exitValue() != 0) {
                throw new IllegalStateException("bin/flashkey " + String.join(" ", args)
                        + (finished ? " exited with " + process.exitValue() : " did not finish in " + timeout)
                        + ":\n" + tail(output, 40));
            }
        }
        catch (IOException ex) {
            throw new IllegalStateException("could not run bin/flashkey: " + ex.getMessage(), ex);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", ex);
        }
    }

    @Override
    public void close() {
        keepLogs();
        if (keepRunning) {
            return;
        }
        try {
            launcher(Duration.ofMinutes(5), "down");
        }
        finally {
            dropDatabases();
        }
    }

    /** Copies every process log of this instance to target/e2e-logs (CI keeps the module's target). */
    private void keepLogs() {
        Path logs = home.resolve("logs");
        if (!Files.isDirectory(logs)) {
            return;
        }
        try (Stream<Path> files = Files.list(logs)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                Files.copy(file, logDir.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        catch (IOException ex) {
            System.err.println("could not keep the suite's logs: " + ex.getMessage());
        }
    }

    /** Drops exactly this run's databases (the shared MariaDB serves other runs and CI too). */
    private void dropDatabases() {
        String url = "jdbc:mariadb://" + System.getenv().getOrDefault("DB_HOST", "127.0.0.1") + ":"
                + System.getenv().getOrDefault("DB_PORT", "3306") + "/";
        try (Connection connection = DriverManager.getConnection(url, "root", "");
                Statement statement = connection.createStatement()) {
            List<String> names = new ArrayList<>();
            try (ResultSet rs = statement.executeQuery("SHOW DATABASES")) {
                while (rs.next()) {
                    if (rs.getString(1).startsWith(dbPrefix)) {
                        names.add(rs.getString(1));
                    }
                }
            }
            for (String name : names) {
                statement.execute("DROP DATABASE `" + name + "`");
            }
        }
        catch (SQLException ex) {
            System.err.println("could not drop the e2e databases " + dbPrefix + "*: " + ex.getMessage());
        }
    }

    /** The last lines of a service's log, for failure messages. */
    String logTail(String part, int lines) {
        try {
            return tail(Files.readString(home.resolve("logs/" + part + ".log"), StandardCharsets.UTF_8), lines);
        }
        catch (IOException ex) {
            return "(no log: " + ex.getMessage() + ")";
        }
    }

    static List<String> services() {
        return List.of(SERVICES);
    }

    private static String tail(String text, int lines) {
        String[] all = text.split("\n");
        return String.join("\n", java.util.Arrays.copyOfRange(all, Math.max(0, all.length - lines), all.length));
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
