package com.flashkey.gateway.correlation;

import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * A W3C {@code traceparent} (version 00). The gateway joins the caller's trace (same trace id, its own span id as
 * the new parent) or starts one when the caller sent none or an invalid one.
 */
record Traceparent(String traceId, String spanId, String flags) {

    static final String HEADER = "traceparent";

    private static final Pattern FORMAT = Pattern.compile("([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?");

    private static final String ZERO_TRACE = "0".repeat(32);

    private static final String ZERO_SPAN = "0".repeat(16);

    static Optional<Traceparent> parse(String header) {
        if (header == null) {
            return Optional.empty();
        }
        var matcher = FORMAT.matcher(header.trim());
        if (!matcher.matches()) {
            return Optional.empty();
        }
        String version = matcher.group(1);
        // Version 00 has exactly four fields; "ff" is forbidden; later versions may append fields.
        if ("ff".equals(version) || ("00".equals(version) && matcher.group(5) != null)) {
            return Optional.empty();
        }
        String traceId = matcher.group(2);
        String spanId = matcher.group(3);
        if (ZERO_TRACE.equals(traceId) || ZERO_SPAN.equals(spanId)) {
            return Optional.empty();
        }
        return Optional.of(new Traceparent(traceId, spanId, matcher.group(4)));
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
