package com.flashkey.catalog.product;

/** No product has this SKU (or the SKU is not even well-formed). */
public class ProductNotFoundException extends RuntimeException {

    public ProductNotFoundException(String sku) {
        super("No product with SKU " + sku);
    }
}
