package com.flashkey.inventory.cardkey;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.flashkey.inventory.config.InventoryProperties;

class CardKeyCipherTests {

    static final String KEY_1 = "Zmxhc2hrZXktbG9jYWwtYXQtcmVzdC1jb2Rlcy0wMDE=";
    static final String KEY_2 = "Zmxhc2hrZXktbG9jYWwtYXQtcmVzdC1jb2Rlcy0wMDI=";
    static final String HMAC = "Zmxhc2hrZXktbG9jYWwtY29kZS1obWFjLWtleS0wMDE=";

    static InventoryProperties properties(String active, Map<String, String> keys) {
        Duration s = Duration.ofSeconds(1);
        return new InventoryProperties(URI.create("http://127.0.0.1:1"), s, s,
                new InventoryProperties.Codes(active, keys, HMAC), 100, 200, 100, s, s, s, 10, 1000, false, s, s, s, s, s, s, s, s, 1,
                true, s);
    }

    @Test
    void whenACodeIsEncryptedThenCiphertextHidesItAndDecryptsBack() {
        CardKeyCipher cipher = new CardKeyCipher(properties("k1", Map.of("k1", KEY_1)));
        CardKeyCipher.Encrypted encrypted = cipher.encrypt("SKU-1", "GIFT-1234-5678");
        assertThat(new String(encrypted.ciphertext(), StandardCharsets.ISO_8859_1)).doesNotContain("GIFT");
        assertThat(encrypted.keyId()).isEqualTo("k1");
        assertThat(cipher.decrypt("SKU-1", "k1", encrypted.ciphertext())).isEqualTo("GIFT-1234-5678");
    }

    @Test
    void whenTheSameCodeIsEncryptedTwiceThenTheIvDiffers() {
        CardKeyCipher cipher = new CardKeyCipher(properties("k1", Map.of("k1", KEY_1)));
        assertThat(cipher.encrypt("SKU-1", "SAME").ciphertext()).isNotEqualTo(cipher.encrypt("SKU-1", "SAME").ciphertext());
    }

    @Test
    void whenCiphertextIsMovedToAnotherSkuThenItDoesNotDecryptAndTheErrorNamesNoCode() {
        CardKeyCipher cipher = new CardKeyCipher(properties("k1", Map.of("k1", KEY_1)));
        byte[] sealed = cipher.encrypt("SKU-1", "GIFT-SECRET").ciphertext();
        assertThatThrownBy(() -> cipher.decrypt("SKU-2", "k1", sealed)).isInstanceOf(IllegalStateException.class)
                .hasMessageNotContaining("GIFT-SECRET");
    }

    @Test
    void whenKeysRotateThenOldRowsStillDecryptUnderTheirKeyId() {
        CardKeyCipher old = new CardKeyCipher(properties("k1", Map.of("k1", KEY_1)));
        byte[] sealed = old.encrypt("SKU-1", "OLD-CODE").ciphertext();
        CardKeyCipher rotated = new CardKeyCipher(properties("k2", Map.of("k1", KEY_1, "k2", KEY_2)));
        assertThat(rotated.encrypt("SKU-1", "NEW").keyId()).isEqualTo("k2");
        assertThat(rotated.decrypt("SKU-1", "k1", sealed)).isEqualTo("OLD-CODE");
    }

    @Test
    void whenFingerprintingThenEqualCodesOfOneSkuMatchAndOtherSkusDoNot() {
        CardKeyCipher cipher = new CardKeyCipher(properties("k1", Map.of("k1", KEY_1)));
        assertThat(cipher.fingerprint("SKU-1", "A")).isEqualTo(cipher.fingerprint("SKU-1", "A")).hasSize(32);
        assertThat(cipher.fingerprint("SKU-1", "A")).isNotEqualTo(cipher.fingerprint("SKU-2", "A"));
    }

    @Test
    void whenTheActiveKeyIsNotConfiguredThenStartUpFails() {
        assertThatThrownBy(() -> new CardKeyCipher(properties("missing", Map.of("k1", KEY_1))))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
