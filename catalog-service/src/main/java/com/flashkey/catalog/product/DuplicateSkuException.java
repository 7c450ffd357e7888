package com.flashkey.catalog.product;

/** A create named a SKU that already exists. */
public class DuplicateSkuException extends RuntimeException {

    public DuplicateSkuException(String sku) {
        super("A product with SKU " + sku + " already exists");
    }
}
