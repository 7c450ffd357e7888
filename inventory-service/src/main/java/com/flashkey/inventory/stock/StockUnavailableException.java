package com.flashkey.inventory.stock;

/** A SKU's stock cannot be served right now (being rebuilt, or Redis not safe): answer 503, never a guess. */
public class StockUnavailableException extends RuntimeException {

    private final String sku;

    public StockUnavailableException(String sku, String why) {
        super("stock of " + sku + " is unavailable: " + why);
        this.sku = sku;
    }

    public String sku() {
        return sku;
    }
}
