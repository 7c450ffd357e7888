package com.flashkey.order.catalog;

/** catalog-service did not answer in time, failed, or its circuit breaker is open. */
public final class CatalogUnavailableException extends RuntimeException {

    public CatalogUnavailableException(String sku, Throwable cause) {
        super("catalog could not tell about product " + sku, cause);
    }
}
