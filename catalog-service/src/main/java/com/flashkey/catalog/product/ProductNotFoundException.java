package com.flashkey.catalog.product;

/** No product has this SKU (or the SKU is not even well-formed). */
public class ProductNotFoundException extends RuntimeException {

    public ProductNotFoundException(String sku) {
        super(messageFor(sku));
    }

    /** The message, for answers that report an unknown SKU as a value, without throwing. */
    public static String messageFor(String sku) {
        return "No product with SKU " + sku;
    }
}
