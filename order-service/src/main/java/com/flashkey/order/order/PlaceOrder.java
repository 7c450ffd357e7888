package com.flashkey.order.order;

import java.util.Locale;

/**
 * A buyer's request to order.
 *
 * @param email          contact; normalized (trimmed, lower case) here
 * @param locale         language for messages
 * @param idempotencyKey the client's key for this request
 * @param phone          E.164 number for the "order ready" SMS, or null
 */
public record PlaceOrder(String sku, int quantity, String email, String locale, String idempotencyKey, String phone) {

    public PlaceOrder {
        email = normalizeEmail(email);
    }

    public static String normalizeEmail(String email) {
        return email == null ? null : email.trim().toLowerCase(Locale.ROOT);
    }
}
