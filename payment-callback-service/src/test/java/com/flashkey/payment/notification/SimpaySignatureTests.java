package com.flashkey.payment.notification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

class SimpaySignatureTests {

    static final String SECRET = "simpay-test-secret";
    static final long T = 1_764_000_000L;
    static final byte[] BODY = ("{\"eventId\":\"evt_1\",\"type\":\"payment.succeeded\",\"orderNo\":\"FK1\",\"amount\":\"9.90\","
            + "\"currency\":\"CNY\",\"transactionId\":\"tx_1\",\"paidAt\":\"2025-11-24T16:00:00Z\"}")
            .getBytes(StandardCharsets.UTF_8);
    /** Computed independently: printf '%s' "1764000000.$BODY" | openssl dgst -sha256 -hmac simpay-test-secret */
    static final String OPENSSL_V1 = "0a1463614a807185f0a67203ec6e738eb8f65c54a90363bf42dde19ec2f11192";
    static final Instant NOW = Instant.ofEpochSecond(T + 10);

    final SimpaySignature signature = new SimpaySignature(List.of(SECRET), Duration.ofSeconds(300));

    @Test
    void whenSignedWithTheSecretThenTheSignatureMatchesTheOpensslVector() {
        assertThat(SimpaySignature.sign(SECRET, T, BODY)).isEqualTo(OPENSSL_V1);
        assertThatCode(() -> signature.verify("t=" + T + ",v1=" + OPENSSL_V1, BODY, NOW)).doesNotThrowAnyException();
    }

    @Test
    void whenTheBodyIsTamperedThenTheSignatureIsRefused() {
        byte[] tampered = new String(BODY, StandardCharsets.UTF_8).replace("evt_1", "evt_2").getBytes(StandardCharsets.UTF_8);
        assertRefused("t=" + T + ",v1=" + OPENSSL_V1, tampered, NOW, SignatureFailure.MISMATCH);
    }

    @Test
    void whenTheAmountIsTamperedThenTheSignatureIsRefused() {
        byte[] tampered = new String(BODY, StandardCharsets.UTF_8).replace("\"9.90\"", "\"0.01\"")
                .getBytes(StandardCharsets.UTF_8);
        assertRefused("t=" + T + ",v1=" + OPENSSL_V1, tampered, NOW, SignatureFailure.MISMATCH);
    }

    @Test
    void whenSignedWithAnotherSecretThenTheSignatureIsRefused() {
        assertRefused(SimpaySignature.header(T, BODY, "someone-else"), BODY, NOW, SignatureFailure.MISMATCH);
    }

    @Test
    void whenTheTimestampIsTamperedThenTheSignatureIsRefused() {
        assertRefused("t=" + (T + 1) + ",v1=" + OPENSSL_V1, BODY, NOW, SignatureFailure.MISMATCH);
    }

    @Test
    void whenTheTimestampIsStaleBeyondToleranceThenItIsRefusedAndAtToleranceAccepted() {
        String header = SimpaySignature.header(T, BODY, SECRET);
        assertRefused(header, BODY, Instant.ofEpochSecond(T + 301), SignatureFailure.TIMESTAMP_OUT_OF_TOLERANCE);
        assertThatCode(() -> signature.verify(header, BODY, Instant.ofEpochSecond(T + 300))).doesNotThrowAnyException();
    }

    @Test
    void whenTheTimestampIsInTheFutureBeyondToleranceThenItIsRefusedAndAtToleranceAccepted() {
        String header = SimpaySignature.header(T, BODY, SECRET);
        assertRefused(header, BODY, Instant.ofEpochSecond(T - 301), SignatureFailure.TIMESTAMP_OUT_OF_TOLERANCE);
        assertThatCode(() -> signature.verify(header, BODY, Instant.ofEpochSecond(T - 300))).doesNotThrowAnyException();
    }

    @Test
    void whenTheProviderRotatesAndSendsSeveralSignaturesThenAnyMatchingOneIsAccepted() {
        String header = SimpaySignature.header(T, BODY, "provider-new-secret", SECRET);
        assertThatCode(() -> signature.verify(header, BODY, NOW)).doesNotThrowAnyException();
        String unknownOnly = SimpaySignature.header(T, BODY, "provider-new-secret", "another");
        assertRefused(unknownOnly, BODY, NOW, SignatureFailure.MISMATCH);
    }

    @Test
    void whenWeRotateOurSecretThenBothTheOldAndTheNewSecretVerify() {
        var rotating = new SimpaySignature(List.of("new-secret", SECRET), Duration.ofSeconds(300));
        assertThatCode(() -> rotating.verify(SimpaySignature.header(T, BODY, SECRET), BODY, NOW)).doesNotThrowAnyException();
        assertThatCode(() -> rotating.verify(SimpaySignature.header(T, BODY, "new-secret"), BODY, NOW))
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> rotating.verify(SimpaySignature.header(T, BODY, "retired"), BODY, NOW))
                .isInstanceOf(BadSignatureException.class);
    }

    @Test
    void whenTheHeaderIsMissingThenItIsRefusedAsMissing() {
        assertRefused(null, BODY, NOW, SignatureFailure.MISSING);
        assertRefused("  ", BODY, NOW, SignatureFailure.MISSING);
    }

    @Test
    void whenTheHeaderIsMalformedThenItIsRefusedAsMalformed() {
        String v1 = ",v1=" + OPENSSL_V1;
        for (String header : List.of("garbage", "t=" + T, "v1=" + OPENSSL_V1, "t=abc" + v1, "t=" + T + ",v1=xyz",
                "t=" + T + ",v1=" + OPENSSL_V1.substring(2), "t=" + T + ",t=" + T + v1, "t=-5" + v1, "=" + T + v1,
                "t=" + T + ",v1")) {
            assertRefused(header, BODY, NOW, SignatureFailure.MALFORMED);
        }
    }

    @Test
    void whenTheHeaderHasSpacesUpperCaseHexOrUnknownSchemesThenItStillVerifies() {
        String header = " t=" + T + ", v0=abc , v1=" + OPENSSL_V1.toUpperCase();
        assertThatCode(() -> signature.verify(header, BODY, NOW)).doesNotThrowAnyException();
    }

    private void assertRefused(String header, byte[] body, Instant now, SignatureFailure expected) {
        assertThatThrownBy(() -> signature.verify(header, body, now)).as(header)
                .isInstanceOfSatisfying(BadSignatureException.class, ex -> assertThat(ex.failure()).isEqualTo(expected));
    }
}
