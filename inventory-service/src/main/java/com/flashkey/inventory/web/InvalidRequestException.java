package com.flashkey.inventory.web;

/** One request field is invalid; answered 400 {@code validation} naming the field. */
public class InvalidRequestException extends RuntimeException {

    private final String field;

    public InvalidRequestException(String field, String message) {
        super(field + " " + message);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
