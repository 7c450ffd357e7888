package com.flashkey.loadtests;

import java.time.Instant;
import java.util.HexFormat;

/** Signs webhooks the way the simpay provider does: {@code t=<unix>,v1=hex(HMAC-SHA256(secret, t + "." + body))}. */
final class Simpay {

    private Simpay() {
    }

    static String body(String eventId, String orderNo, String amount, String currency) {
        return """
                {"eventId":"%s","type":"payment.succeeded","orderNo":"%s","amount":"%s","currency":"%s","transactionId":"tx-%s","paidAt":"%s"}"""
                .formatted(eventId, orderNo, amount, currency, eventId, Instant.now());
    }

    static String signature(String secret, String body) {
        long t = Instant.now().getEpochSecond();
        return "t=" + t + ",v1=" + HexFormat.of().formatHex(ShopAdmin.hmac(secret, t + "." + body));
    }
}
