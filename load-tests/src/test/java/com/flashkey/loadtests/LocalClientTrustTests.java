package com.flashkey.loadtests;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The simulations give every virtual shopper its own X-Forwarded-For; the local gateway believes it from loopback only
 * when the suite was started with the opt-in {@code FLASHKEY_TRUST_LOCAL_XFF=1}. Without it a tunnel or port-forward
 * to 127.0.0.1 would let anyone choose their client address, so it is off by default. Reads what
 * {@code bin/flashkey env} says {@code up} would start each service with; nothing is started. The same reading shows
 * that only the gateway listens beyond loopback.
 */
class LocalClientTrustTests {

    private static final Path LAUNCHER = Path.of("..", "bin", "flashkey").toAbsolutePath().normalize();
    private static final String TRUST = "FLASHKEY_GATEWAY_TRUSTEDPROXIES=127.0.0.1";

    @TempDir
    Path home;

    @Test
    void whenTheSuiteStartsWithoutTheOptInThenTheGatewayBelievesNoXForwardedFor() throws Exception {
        assertThat(env("gateway", Map.of())).noneMatch(line -> line.startsWith("FLASHKEY_GATEWAY_TRUSTEDPROXIES"));
        assertThat(env("gateway", Map.of("FLASHKEY_TRUST_LOCAL_XFF", "0"))).doesNotContain(TRUST);
    }

    @Test
    void whenLoadTestsOptInThenOnlyTheGatewayBelievesXForwardedForAndOnlyFromLoopback() throws Exception {
        assertThat(env("gateway", Map.of("FLASHKEY_TRUST_LOCAL_XFF", "1"))).contains(TRUST);
        assertThat(env("gateway", Map.of("FLASHKEY_TRUST_LOOPBACK_PROXY", "1"))).as("the old name").contains(TRUST);
        for (String service : List.of("catalog-service", "inventory-service", "order-service",
                "payment-callback-service", "notification-service")) {
            assertThat(env(service, Map.of("FLASHKEY_TRUST_LOCAL_XFF", "1"))).as(service)
                    .noneMatch(line -> line.contains("TRUSTEDPROXIES"));
        }
    }

    @Test
    void whenTheSuiteStartsThenOnlyTheGatewayListensBeyondLoopback() throws Exception {
        assertThat(env("gateway", Map.of())).noneMatch(line -> line.startsWith("SERVER_ADDRESS="));
        for (String service : List.of("catalog-service", "inventory-service", "order-service",
                "payment-callback-service", "notification-service")) {
            assertThat(env(service, Map.of())).as(service).contains("SERVER_ADDRESS=127.0.0.1");
        }
    }

    private List<String> env(String service, Map<String, String> settings) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(LAUNCHER.toString(), "env", service).redirectErrorStream(true);
        builder.environment().keySet().removeIf(name -> name.startsWith("FLASHKEY_"));
        builder.environment().put("FLASHKEY_HOME", home.toString());
        builder.environment().putAll(settings);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        List<String> lines = output.lines().toList();
        assertThat(lines).as("bin/flashkey env %s", service).anyMatch(line -> line.startsWith("PORT="));
        return lines;
    }
}
