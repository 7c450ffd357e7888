package com.flashkey.catalog.product;

/** Where a product stands at a given instant, computed from its sale window and its {@code active} flag. */
public enum ProductStatus {
    NOT_STARTED, ON_SALE, ENDED, OFF_SHELF
}
