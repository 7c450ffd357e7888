package com.flashkey.order.order;

import java.util.Locale;

/**
 * A buyer's request to order.
 *
 * @param email          contact; normalized (trimmed, lower case) here
 * @param locale         language for messages
 * @param idempotencyKey the client's key for this request
 */
public record PlaceOrder(String sku, int quantity, String email, String locale, String idempotencyKey) {

    public PlaceOrder {
        email = normalizeEmail(email);
    }

    public static String normalizeEmail(String email) {
        return email == null ? null : email.trim().toLowerCase(Locale.ROOT);
    }
}
