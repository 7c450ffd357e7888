package com.flashkey.inventory.cardkey;

/** An import carried more codes than one batch may; nothing of it was kept. */
public class ImportTooLargeException extends RuntimeException {

    public ImportTooLargeException(String sku, int max) {
        super("an import for " + sku + " may carry at most " + max + " codes");
    }
}
