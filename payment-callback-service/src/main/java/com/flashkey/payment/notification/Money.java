package com.flashkey.payment.notification;

import java.math.BigDecimal;
import java.util.Currency;
import java.util.regex.Pattern;

/** Decimal money strings ("9.90") to minor units (990) and back, by the currency's ISO fraction digits. */
public final class Money {

    private static final Pattern DECIMAL = Pattern.compile("\\d{1,15}(\\.\\d{1,4})?");

    private Money() {
    }

    /**
     * @throws IllegalArgumentException for an unknown currency, a malformed or negative amount, or more decimals
     *                                  than the currency has
     */
    public static long toMinor(String amount, String currency) {
        if (amount == null || !DECIMAL.matcher(amount).matches()) {
            throw new IllegalArgumentException("amount must be a decimal string like 9.90");
        }
        int digits = fractionDigits(currency);
        BigDecimal value = new BigDecimal(amount);
        if (value.stripTrailingZeros().scale() > digits) {
            throw new IllegalArgumentException("amount has more decimals than " + currency + " allows");
        }
        return value.movePointRight(digits).longValueExact();
    }

    public static String toDecimal(long minor, String currency) {
        return BigDecimal.valueOf(minor, fractionDigits(currency)).toPlainString();
    }

    private static int fractionDigits(String currency) {
        if (currency == null || !currency.matches("[A-Z]{3}")) {
            throw new IllegalArgumentException("currency must be an ISO 4217 code");
        }
        try {
            int digits = Currency.getInstance(currency).getDefaultFractionDigits();
            return Math.max(digits, 0);
        }
        catch (IllegalArgumentException ex) {
            throw new IllegalArgumentException("unknown currency " + currency);
        }
    }
}
