package com.flashkey.payment.notification;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
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

    public SimpaySignature(List<String> secrets, Duration tolerance) {
        if (secrets.isEmpty()) {
            throw new IllegalArgumentException("at least one simpay secret is required");
        }
        this.secrets = secrets.stream()
                .map(s -> new SecretKeySpec(s.getBytes(StandardCharsets.UTF_8), ALGORITHM)).toList();
        this.tolerance = tolerance;
    }

    /**
     * @throws BadSignatureException when the header is missing or malformed, no signature matches, or the
     *                               timestamp is outside the tolerance
     */
    public void verify(String header, byte[] body, Instant now) {
        if (header == null || header.isBlank()) {
            throw new BadSignatureException(SignatureFailure.MISSING, "missing " + HEADER + " header");
        }
        ParsedHeader parsed = ParsedHeader.parse(header);
        boolean matched = false;
        for (SecretKeySpec secret : secrets) {
            byte[] expected = mac(secret, parsed.timestamp(), body);
            for (byte[] candidate : parsed.signatures()) {
                // Non-short-circuit OR: every candidate is compared, each comparison constant-time.
                matched |= MessageDigest.isEqual(expected, candidate);
            }
        }
        if (!matched) {
            throw new BadSignatureException(SignatureFailure.MISMATCH, "no signature matches");
        }
        long skew = Math.abs(now.getEpochSecond() - parsed.timestamp());
        if (skew > tolerance.toSeconds()) {
            throw new BadSignatureException(SignatureFailure.TIMESTAMP_OUT_OF_TOLERANCE,
                    "timestamp more than " + tolerance.toSeconds() + " s from now");
        }
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
        return HEX.formatHex(mac(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), ALGORITHM), t, body));
    }

    private static byte[] mac(SecretKeySpec secret, long t, byte[] body) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(secret);
            mac.update((t + ".").getBytes(StandardCharsets.US_ASCII));
            return mac.doFinal(body);
        }
        catch (GeneralSecurityException ex) {
            throw new IllegalStateException("HmacSHA256 unavailable", ex);
        }
    }

    private record ParsedHeader(long timestamp, List<byte[]> signatures) {

        static ParsedHeader parse(String header) {
            Long timestamp = null;
            List<byte[]> signatures = new ArrayList<>();
            for (String part : header.split(",", 32)) {
                int eq = part.indexOf('=');
                if (eq <= 0) {
                    throw malformed();
                }
                String key = part.substring(0, eq).trim();
                String value = part.substring(eq + 1).trim();
                if (key.equals("t")) {
                    if (timestamp != null || !value.matches("\\d{1,12}")) {
                        throw malformed();
                    }
                    timestamp = Long.parseLong(value);
                }
                else if (key.equals("v1")) {
                    if (!value.matches("[0-9a-fA-F]{64}") || signatures.size() >= MAX_SIGNATURES) {
                        throw malformed();
                    }
                    signatures.add(HEX.parseHex(value.toLowerCase(java.util.Locale.ROOT)));
                }
                // Other schemes (v0, future v2) are ignored, as a provider adding one must not break us.
            }
            if (timestamp == null || signatures.isEmpty()) {
                throw malformed();
            }
            return new ParsedHeader(timestamp, signatures);
        }

        private static BadSignatureException malformed() {
            return new BadSignatureException(SignatureFailure.MALFORMED,
                    "malformed " + HEADER + " header; expected t=<unix seconds>,v1=<hex>");
        }
    }
}
