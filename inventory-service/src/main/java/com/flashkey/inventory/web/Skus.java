package com.flashkey.inventory.web;

import java.util.regex.Pattern;

/** The SKU format every service shares. */
public final class Skus {

    public static final String PATTERN = "[A-Z0-9][A-Z0-9-]{1,39}";
    private static final Pattern COMPILED = Pattern.compile(PATTERN);

    private Skus() {
    }

    /** @throws InvalidRequestException when the SKU is malformed */
    public static String require(String sku) {
        if (sku == null || !COMPILED.matcher(sku).matches()) {
            throw new InvalidRequestException("sku", "must match " + PATTERN);
        }
        return sku;
    }
}
