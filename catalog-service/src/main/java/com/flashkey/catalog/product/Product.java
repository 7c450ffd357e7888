package com.flashkey.catalog.product;

import java.time.Instant;

/**
 * A product as the catalog knows it. Immutable and free of the clock: {@link #statusAt} computes the status for
 * the instant of each answer, so a cached product stays correct as its sale opens and closes.
 *
 * @param version grows on every change; cache writes never replace a newer version with an older one
 */
public record Product(String sku, String name, String description, long priceMinor, String currency,
        Instant saleStartsAt, Instant saleEndsAt, int perBuyerLimit, boolean active, long version) {

    public ProductStatus statusAt(Instant now) {
        return statusWindowAt(now).status();
    }

    /** The status at {@code now} and the span of time around it in which the status stays the same. */
    public StatusWindow statusWindowAt(Instant now) {
        if (!active) {
            return new StatusWindow(ProductStatus.OFF_SHELF, Instant.MIN, Instant.MAX);
        }
        if (now.isBefore(saleStartsAt)) {
            return new StatusWindow(ProductStatus.NOT_STARTED, Instant.MIN, saleStartsAt);
        }
        return now.isBefore(saleEndsAt) ? new StatusWindow(ProductStatus.ON_SALE, saleStartsAt, saleEndsAt)
                : new StatusWindow(ProductStatus.ENDED, saleEndsAt, Instant.MAX);
    }

    public Price price() {
        return Price.ofMinor(priceMinor, currency);
    }
}
