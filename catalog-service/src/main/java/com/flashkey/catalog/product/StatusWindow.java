package com.flashkey.catalog.product;

import java.time.Instant;

/**
 * A product's status and the span of time in which it holds: from {@code from} (inclusive) until {@code until}
 * (exclusive); {@link Instant#MIN} and {@link Instant#MAX} stand for no bound.
 */
public record StatusWindow(ProductStatus status, Instant from, Instant until) {

    public boolean contains(Instant instant) {
        return !instant.isBefore(from) && instant.isBefore(until);
    }
}
