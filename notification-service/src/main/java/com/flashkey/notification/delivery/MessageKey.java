package com.flashkey.notification.delivery;

/**
 * What is delivered at most once: one template on one channel for one order, and for re-sends one request.
 *
 * @param orderNo   the order
 * @param channel   {@code email} or {@code sms}
 * @param template  {@code keys} for the first delivery, {@code keys-resend} for a buyer's re-send request,
 *                  {@code order-ready} for the SMS
 * @param requestId the re-send request id; empty for the first delivery
 */
record MessageKey(String orderNo, String channel, String template, String requestId) {

    static final String KEYS = "keys";
    static final String KEYS_RESEND = "keys-resend";
    static final String ORDER_READY = "order-ready";
}
