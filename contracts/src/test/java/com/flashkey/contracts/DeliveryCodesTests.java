package com.flashkey.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;
import java.util.Map;

import org.junit.jupiter.api.Test;

class DeliveryCodesTests {

    private static final String K1 = Base64.getEncoder().encodeToString(new byte[32]);
    private static final String K2 = Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef".getBytes());

    @Test
    void whenCodeIsSealedThenItOpensForTheSameOrderOnly() {
        DeliveryCodes codes = new DeliveryCodes("k1", Map.of("k1", K1));
        SealedCode sealed = codes.seal("FK1", "GIFT-ABCD-1234");

        assertThat(sealed.ciphertext()).doesNotContain("GIFT");
        assertThat(codes.open("FK1", sealed)).isEqualTo("GIFT-ABCD-1234");
        assertThatThrownBy(() -> codes.open("FK2", sealed)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining("GIFT");
    }

    @Test
    void whenSameCodeIsSealedTwiceThenCiphertextsDiffer() {
        DeliveryCodes codes = new DeliveryCodes("k1", Map.of("k1", K1));
        assertThat(codes.seal("FK1", "X").ciphertext()).isNotEqualTo(codes.seal("FK1", "X").ciphertext());
    }

    @Test
    void whenKeyRotatesThenOldCodesStillOpen() {
        SealedCode old = new DeliveryCodes("k1", Map.of("k1", K1)).seal("FK1", "OLD");
        DeliveryCodes rotated = new DeliveryCodes("k2", Map.of("k1", K1, "k2", K2));

        assertThat(rotated.open("FK1", old)).isEqualTo("OLD");
        assertThat(rotated.seal("FK1", "NEW").keyId()).isEqualTo("k2");
    }

    @Test
    void whenCiphertextIsTamperedThenItDoesNotOpen() {
        DeliveryCodes codes = new DeliveryCodes("k1", Map.of("k1", K1));
        SealedCode sealed = codes.seal("FK1", "CODE");
        byte[] raw = Base64.getDecoder().decode(sealed.ciphertext());
        raw[raw.length - 1] ^= 1;
        assertThatThrownBy(() -> codes.open("FK1", new SealedCode("k1", Base64.getEncoder().encodeToString(raw))))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void whenKeyIsMisconfiguredThenConstructionFails() {
        assertThatThrownBy(() -> new DeliveryCodes("k1", Map.of("k1", "c2hvcnQ="))).hasMessageContaining("32 bytes");
        assertThatThrownBy(() -> new DeliveryCodes("k9", Map.of("k1", K1))).hasMessageContaining("k9");
    }

    @Test
    void whenSealedCodeIsPrintedThenNoCiphertextAppears() {
        assertThat(new SealedCode("k1", "SECRETBYTES").toString()).doesNotContain("SECRETBYTES");
    }
}
