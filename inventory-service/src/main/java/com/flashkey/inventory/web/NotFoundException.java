package com.flashkey.inventory.web;

/** The named product is unknown. */
public class NotFoundException extends RuntimeException {

    public NotFoundException(String sku) {
        super("product " + sku + " is not known");
    }
}
