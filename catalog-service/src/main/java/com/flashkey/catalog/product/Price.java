package com.flashkey.catalog.product;

import java.math.BigDecimal;
import java.util.Currency;

/**
 * An amount in minor units of an ISO 4217 currency: {@code 990 CNY} is "9.90". Storage and events use the minor
 * units; JSON uses the decimal string.
 */
public record Price(long minor, Currency currency) {

    public Price {
        if (minor < 0) {
            throw new IllegalArgumentException("must not be negative");
        }
    }

    /**
     * Parses a decimal string such as "9.90" in the given currency.
     * @throws IllegalArgumentException with a message fit for a field error
     */
    public static Price parse(String amount, Currency currency) {
        BigDecimal decimal;
        try {
            decimal = new BigDecimal(amount);
        }
        catch (NumberFormatException ex) {
            throw new IllegalArgumentException("must be a decimal number such as 9.90");
        }
        int digits = Math.max(currency.getDefaultFractionDigits(), 0);
        if (decimal.stripTrailingZeros().scale() > digits) {
            throw new IllegalArgumentException("has more than " + digits + " decimal places for " + currency);
        }
        try {
            return new Price(decimal.movePointRight(digits).longValueExact(), currency);
        }
        catch (ArithmeticException ex) {
            throw new IllegalArgumentException("is too large");
        }
    }

    public static Price ofMinor(long minor, String currencyCode) {
        return new Price(minor, Currency.getInstance(currencyCode));
    }

    /** The decimal string with exactly the currency's decimal places: "9.90". */
    public String amount() {
        return BigDecimal.valueOf(minor, Math.max(currency.getDefaultFractionDigits(), 0)).toPlainString();
    }
}
