package com.flashkey.order.order;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Currency;

/** Decimal strings in JSON, minor units (long) in storage and events. */
final class Money {

    private Money() {
    }

    static long toMinor(String decimal, String currency) {
        int digits = fractionDigits(currency);
        // setScale without rounding: a price with more decimals than the currency has is a catalog error.
        return new BigDecimal(decimal).setScale(digits, RoundingMode.UNNECESSARY).movePointRight(digits).longValueExact();
    }

    static String toDecimal(long minor, String currency) {
        return BigDecimal.valueOf(minor, fractionDigits(currency)).toPlainString();
    }

    private static int fractionDigits(String currency) {
        return Math.max(0, Currency.getInstance(currency).getDefaultFractionDigits());
    }
}
