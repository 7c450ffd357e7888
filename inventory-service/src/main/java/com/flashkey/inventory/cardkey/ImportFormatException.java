package com.flashkey.inventory.cardkey;

/** The upload is not a code list this service reads (e.g. CSV without a code column). */
public class ImportFormatException extends RuntimeException {

    public ImportFormatException(String message) {
        super(message);
    }
}
