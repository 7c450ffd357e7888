package com.flashkey.inventory.cardkey;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import com.flashkey.inventory.InventoryInfrastructure;
import com.flashkey.inventory.InventoryIntegrationTest;
import com.flashkey.testsupport.AdminTokens;

/** A 100,000-code import over HTTP: exact counts and line numbers, ciphertext at rest, nothing secret in the logs. */
@InventoryIntegrationTest
@AutoConfigureWebTestClient
@ExtendWith(OutputCaptureExtension.class)
class LargeImportTests {

    @RegisterExtension
    static InventoryInfrastructure infra = new InventoryInfrastructure();

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        infra.register(registry);
        registry.add("spring.r2dbc.pool.max-acquire-time", () -> "30s");
        registry.add("flashkey.inventory.redis-timeout", () -> "30s");
    }

    /** A marker no log line would contain by chance. */
    static final String MARK = "QZXJ";

    @Autowired
    WebTestClient web;

    @Autowired
    CardKeyCipher cipher;

    private WebTestClient slow() {
        return web.mutate().responseTimeout(Duration.ofMinutes(5)).build();
    }

    private static long count(String sql, Object... args) throws Exception {
        try (Connection c = infra.db().connect(); PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                s.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    @Test
    void whenOneHundredThousandCodesWithDuplicatesAndBadLinesAreImportedThenCountsAndLineNumbersAreExact(
            CapturedOutput output) throws Exception {
        StringBuilder body = new StringBuilder(2_600_000);
        List<Map.Entry<Long, String>> expectedRejections = new ArrayList<>();
        long duplicates = 0;
        for (int line = 1; line <= 100_000; line++) {
            String text;
            if (line % 1000 == 500) {
                text = "";
                expectedRejections.add(Map.entry((long) line, "empty"));
            }
            else if (line % 1000 == 600) {
                text = MARK + "-BAD\u0007-" + line;
                expectedRejections.add(Map.entry((long) line, "control-character"));
            }
            else if (line % 1000 == 700) {
                text = MARK + "-" + "L".repeat(250);
                expectedRejections.add(Map.entry((long) line, "too-long"));
            }
            else if (line % 1000 == 800 && line > 1000) {
                text = MARK + "-CODE-" + (line - 999); // line - 999 was a plain code line: the same code again
                duplicates++;
            }
            else {
                text = "  " + MARK + "-CODE-" + line + " ";
            }
            body.append(text).append(line % 7 == 0 ? "\r\n" : "\n");
        }
        long rejected = expectedRejections.size();
        long imported = 100_000 - rejected - duplicates;

        slow().post().uri("/api/admin/products/BIG-1/keys").headers(h -> h.setBearerAuth(AdminTokens.admin()))
                .contentType(MediaType.TEXT_PLAIN).bodyValue(body.toString()).exchange()
                .expectStatus().isOk().expectBody()
                .jsonPath("$.imported").isEqualTo(imported)
                .jsonPath("$.duplicates").isEqualTo(duplicates)
                .jsonPath("$.rejected.length()").isEqualTo(rejected)
                .jsonPath("$.rejected[0].line").isEqualTo(expectedRejections.get(0).getKey())
                .jsonPath("$.rejected[0].reason").isEqualTo("empty")
                .jsonPath("$.rejected[1].line").isEqualTo(expectedRejections.get(1).getKey())
                .jsonPath("$.rejected[1].reason").isEqualTo("control-character")
                .jsonPath("$.rejected[299].line").isEqualTo(expectedRejections.get(299).getKey())
                .jsonPath("$.rejected[299].reason").isEqualTo("too-long");

        assertThat(count("SELECT COUNT(*) FROM card_keys WHERE sku = 'BIG-1' AND status = 'AVAILABLE'")).isEqualTo(imported);
        assertThat(count("SELECT COUNT(*) FROM import_batches WHERE sku = 'BIG-1' AND imported = ? AND duplicates = ? "
                + "AND rejected = ? AND imported_by = 'admin@flashkey.test' AND finished_at IS NOT NULL", imported,
                duplicates, rejected)).isEqualTo(1);
        // No plaintext at rest: no row holds the marker, and a row decrypts back only with the key.
        assertThat(count("SELECT COUNT(*) FROM card_keys WHERE LOCATE(?, code_cipher) > 0",
                MARK.getBytes(StandardCharsets.UTF_8))).isZero();
        try (Connection c = infra.db().connect(); PreparedStatement s = c.prepareStatement(
                "SELECT key_id, code_cipher FROM card_keys WHERE sku = 'BIG-1' ORDER BY id LIMIT 1");
                ResultSet rs = s.executeQuery()) {
            rs.next();
            assertThat(cipher.decrypt("BIG-1", rs.getString(1), rs.getBytes(2))).isEqualTo(MARK + "-CODE-1");
        }
        web.get().uri("/api/admin/products/BIG-1/inventory").headers(h -> h.setBearerAuth(AdminTokens.admin()))
                .exchange().expectBody().jsonPath("$.counter").isEqualTo(imported).jsonPath("$.imported")
                .isEqualTo(imported);

        // Logs: the import was logged (so capture works), but no code or rejected line text was.
        Thread.sleep(500); // the console appender is asynchronous
        assertThat(output.getAll()).contains("imported card keys sku=BIG-1").doesNotContain(MARK);
    }

    @Test
    void whenAnImportCarriesMoreThanOneHundredThousandCodesThenItIsRefusedAndNothingIsKept() throws Exception {
        StringBuilder body = new StringBuilder(2_000_000);
        for (int i = 1; i <= 100_001; i++) {
            body.append("OVER-").append(i).append('\n');
        }
        slow().post().uri("/api/admin/products/BIG-2/keys").headers(h -> h.setBearerAuth(AdminTokens.admin()))
                .contentType(MediaType.TEXT_PLAIN).bodyValue(body.toString()).exchange()
                .expectStatus().isEqualTo(413).expectBody()
                .jsonPath("$.type").isEqualTo("https://flashkey.dev/problems/payload-too-large");
        assertThat(count("SELECT COUNT(*) FROM card_keys WHERE sku = 'BIG-2'")).isZero();
        assertThat(count("SELECT COUNT(*) FROM import_batches WHERE sku = 'BIG-2'")).isZero();
    }
}
