package com.flashkey.order.catalog;

/** catalog-service does not know the SKU. */
public final class ProductNotFoundException extends RuntimeException {

    public ProductNotFoundException(String sku) {
        super("product " + sku + " does not exist");
    }
}
