package com.flashkey.inventory.stock;

import java.util.Locale;

/**
 * The key a per-buyer limit is counted under: the e-mail trimmed and lower-cased, with a {@code +tag} of the local
 * part dropped, so {@code Ann+1@Example.com} and {@code ann@example.com} share one limit.
 */
public final class BuyerEmail {

    private BuyerEmail() {
    }

    public static String normalise(String email) {
        String trimmed = email.strip().toLowerCase(Locale.ROOT);
        int at = trimmed.lastIndexOf('@');
        if (at <= 0) {
            return trimmed;
        }
        String local = trimmed.substring(0, at);
        int plus = local.indexOf('+');
        if (plus > 0) {
            local = local.substring(0, plus);
        }
        return local + trimmed.substring(at);
    }
}
