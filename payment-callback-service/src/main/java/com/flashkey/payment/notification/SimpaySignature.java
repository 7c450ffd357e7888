package com.flashkey.payment.notification;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The simpay scheme: header {@code Payment-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, t + "." + body)>}.
 * Several {@code v1} values may be sent (the provider signs with each of its active secrets during a rotation) and
 * several secrets may be configured here (our side of a rotation); any match is accepted. Comparison is
 * constant-time; the timestamp must be within the tolerance either way, which bounds replays.
 */
public final class SimpaySignature {

    public static final String HEADER = "Payment-Signature";

    private static final String ALGORITHM = "HmacSHA256";
    private static final int MAX_SIGNATURES = 8;
    private static final HexFormat HEX = HexFormat.of();

    private final List<SecretKeySpec> secrets;
    private final Duration tolerance;
    /** One initialised Mac per secret and thread: Mac.getInstance and init per webhook were a visible share. */
    private final ThreadLocal<Mac[]> macs;

    public SimpaySignature(List<String> secrets, Duration tolerance) {
        if (secrets.isEmpty()) {
            throw new IllegalArgumentException("at least one simpay secret is required");
        }
        this.secrets = secrets.stream()
                .map(s -> new SecretKeySpec(s.getBytes(StandardCharsets.UTF_8), ALGORITHM)).toList();
        this.tolerance = tolerance;
        this.macs = ThreadLocal.withInitial(() -> this.secrets.stream().map(SimpaySignature::newMac).toArray(Mac[]::new));
    }

    /**
     * @throws BadSignatureException when the header is missing or malformed, no signature matches, or the
     *                               timestamp is outside the tolerance
     */
    public void verify(String header, byte[] body, Instant now) {
        SignatureFailure failure = check(header, body, now);
        if (failure != null) {
            throw new BadSignatureException(failure, detail(failure));
        }
    }

    /**
     * The request path's form of {@link #verify}: a refusal is an expected outcome, a value, not an exception.
     *
     * @return why the signature is refused, or null when it proves the body came from the provider
     */
    public SignatureFailure check(String header, byte[] body, Instant now) {
        if (header == null || header.isBlank()) {
            return SignatureFailure.MISSING;
        }
        long timestamp = -1;
        byte[][] signatures = new byte[MAX_SIGNATURES][];
        int count = 0;
        int start = 0;
        int parts = 0;
        while (start <= header.length()) {
            // As String.split(",", 32): at most 32 parts, the last one holds the rest.
            int comma = ++parts < 32 ? header.indexOf(',', start) : -1;
            int end = comma < 0 ? header.length() : comma;
            int eq = header.indexOf('=', start);
            if (eq < 0 || eq >= end || eq == start) {
                return SignatureFailure.MALFORMED;
            }
            String key = header.substring(start, eq).trim();
            String value = header.substring(eq + 1, end).trim();
            if (key.equals("t")) {
                if (timestamp >= 0 || !digits(value)) {
                    return SignatureFailure.MALFORMED;
                }
                timestamp = Long.parseLong(value);
            }
            else if (key.equals("v1")) {
                if (value.length() != 64 || !hex(value) || count >= MAX_SIGNATURES) {
                    return SignatureFailure.MALFORMED;
                }
                signatures[count++] = HEX.parseHex(value);
            }
            // Other schemes (v0, future v2) are ignored, as a provider adding one must not break us.
            if (comma < 0) {
                break;
            }
            start = comma + 1;
        }
        if (timestamp < 0 || count == 0) {
            return SignatureFailure.MALFORMED;
        }
        byte[] prefix = (timestamp + ".").getBytes(StandardCharsets.US_ASCII);
        boolean matched = false;
        for (Mac mac : macs.get()) {
            mac.update(prefix);
            byte[] expected = mac.doFinal(body); // doFinal resets the Mac for the next use
            for (int i = 0; i < count; i++) {
                // Non-short-circuit OR: every candidate is compared, each comparison constant-time.
                matched |= MessageDigest.isEqual(expected, signatures[i]);
            }
        }
        if (!matched) {
            return SignatureFailure.MISMATCH;
        }
        long skew = Math.abs(now.getEpochSecond() - timestamp);
        return skew > tolerance.toSeconds() ? SignatureFailure.TIMESTAMP_OUT_OF_TOLERANCE : null;
    }

    /** What a refusal says to the provider (never what was expected). */
    public String detail(SignatureFailure failure) {
        return switch (failure) {
            case MISSING -> "missing " + HEADER + " header";
            case MALFORMED -> "malformed " + HEADER + " header; expected t=<unix seconds>,v1=<hex>";
            case MISMATCH -> "no signature matches";
            case TIMESTAMP_OUT_OF_TOLERANCE -> "timestamp more than " + tolerance.toSeconds() + " s from now";
        };
    }

    /** The header a provider holding {@code secret} sends for this body at time {@code t} (simulator, tests). */
    public static String header(long t, byte[] body, String... secrets) {
        StringBuilder header = new StringBuilder("t=").append(t);
        for (String secret : secrets) {
            header.append(",v1=").append(sign(secret, t, body));
        }
        return header.toString();
    }

    /** Hex HMAC-SHA256 of {@code t + "." + body}. */
    public static String sign(String secret, long t, byte[] body) {
        Mac mac = newMac(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), ALGORITHM));
        mac.update((t + ".").getBytes(StandardCharsets.US_ASCII));
        return HEX.formatHex(mac.doFinal(body));
    }

    private static Mac newMac(SecretKeySpec secret) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(secret);
            return mac;
        }
        catch (GeneralSecurityException ex) {
            throw new IllegalStateException("HmacSHA256 unavailable", ex);
        }
    }

    /** 1 to 12 ASCII digits, as the header's {@code t}. */
    private static boolean digits(String value) {
        if (value.isEmpty() || value.length() > 12) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    private static boolean hex(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F')) {
                return false;
            }
        }
        return true;
    }
}
