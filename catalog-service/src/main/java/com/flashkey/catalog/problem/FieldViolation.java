package com.flashkey.catalog.problem;

/** One bad request field, listed in a {@code validation} problem as {@code errors: [{field, message}]}. */
public record FieldViolation(String field, String message) {
}
