package com.flashkey.payment.notification;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The 易支付 (epay) scheme: every parameter except {@code sign}, {@code sign_type} and empty values, sorted by name,
 * joined as {@code k=v&k=v}, the merchant key appended with nothing between, MD5 in lower-case hex.
 */
public final class EpaySignature {

    private final byte[] key;

    public EpaySignature(String key) {
        this.key = key.getBytes(StandardCharsets.UTF_8);
    }

    /** The string that is signed (without the key), for tests and debugging; holds no secret. */
    public static String signedString(Map<String, String> params) {
        return new TreeMap<>(params).entrySet().stream()
                .filter(e -> !e.getKey().equals("sign") && !e.getKey().equals("sign_type"))
                .filter(e -> e.getValue() != null && !e.getValue().isEmpty())
                .map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining("&"));
    }

    /** MD5 lower-case hex of the signed string followed by the key. */
    public static String sign(Map<String, String> params, String key) {
        return new EpaySignature(key).expected(params);
    }

    /** @throws BadSignatureException when {@code sign} is missing, malformed or does not match */
    public void verify(Map<String, String> params) {
        String sign = params.get("sign");
        if (sign == null || sign.isEmpty()) {
            throw new BadSignatureException(SignatureFailure.MISSING, "missing sign parameter");
        }
        if (!sign.matches("[0-9a-fA-F]{32}")) {
            throw new BadSignatureException(SignatureFailure.MALFORMED, "sign is not 32 hex digits");
        }
        String signType = params.get("sign_type");
        if (signType != null && !signType.isEmpty() && !signType.equalsIgnoreCase("MD5")) {
            throw new BadSignatureException(SignatureFailure.MALFORMED, "unsupported sign_type");
        }
        byte[] expected = expected(params).getBytes(StandardCharsets.US_ASCII);
        byte[] actual = sign.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII);
        if (!MessageDigest.isEqual(expected, actual)) {
            throw new BadSignatureException(SignatureFailure.MISMATCH, "sign does not match");
        }
    }

    private String expected(Map<String, String> params) {
        try {
            MessageDigest md5 = MessageDigest.getInstance("MD5");
            md5.update(signedString(params).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(md5.digest(key));
        }
        catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException("MD5 unavailable", ex);
        }
    }
}
