package com.flashkey.gateway.correlation;

import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A W3C {@code traceparent} (version 00). The gateway joins the caller's trace (same trace id, its own span id as
 * the new parent) or starts one when the caller sent none or an invalid one.
 */
record Traceparent(String traceId, String spanId, String flags) {

    static final String HEADER = "traceparent";

    /** {@code vv-<32 hex>-<16 hex>-ff}: 55 characters; later versions may append {@code -...}. */
    private static final int LENGTH = 55;

    private static final String ZERO_TRACE = "0".repeat(32);

    private static final String ZERO_SPAN = "0".repeat(16);

    static Optional<Traceparent> parse(String header) {
        if (header == null) {
            return Optional.empty();
        }
        // Checked by hand rather than with a regular expression: this runs on every request that carries one.
        String value = header.trim();
        int length = value.length();
        if (length < LENGTH || (length > LENGTH && value.charAt(LENGTH) != '-') || !lowerHex(value, 0, 2)
                || value.charAt(2) != '-' || !lowerHex(value, 3, 35) || value.charAt(35) != '-'
                || !lowerHex(value, 36, 52) || value.charAt(52) != '-' || !lowerHex(value, 53, 55)) {
            return Optional.empty();
        }
        String version = value.substring(0, 2);
        // Version 00 has exactly four fields; "ff" is forbidden; later versions may append fields.
        if ("ff".equals(version) || ("00".equals(version) && length > LENGTH)) {
            return Optional.empty();
        }
        String traceId = value.substring(3, 35);
        String spanId = value.substring(36, 52);
        if (ZERO_TRACE.equals(traceId) || ZERO_SPAN.equals(spanId)) {
            return Optional.empty();
        }
        return Optional.of(new Traceparent(traceId, spanId, value.substring(53, 55)));
    }

    private static boolean lowerHex(String value, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = value.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                return false;
            }
        }
        return true;
    }

    static Traceparent root() {
        return new Traceparent(randomHex(16), randomHex(8), "01");
    }

    /** The same trace with this gateway's span as parent. */
    Traceparent child() {
        return new Traceparent(traceId, randomHex(8), flags);
    }

    String header() {
        return "00-" + traceId + "-" + spanId + "-" + flags;
    }

    static String randomHex(int bytes) {
        byte[] random = new byte[bytes];
        ThreadLocalRandom.current().nextBytes(random);
        if (random[0] == 0) {
            random[0] = 1; // never all zeros
        }
        return HexFormat.of().formatHex(random);
    }
}
