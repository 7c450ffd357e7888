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
        if (!active) {
            return ProductStatus.OFF_SHELF;
        }
        if (now.isBefore(saleStartsAt)) {
            return ProductStatus.NOT_STARTED;
        }
        return now.isBefore(saleEndsAt) ? ProductStatus.ON_SALE : ProductStatus.ENDED;
    }

    public Price price() {
        return Price.ofMinor(priceMinor, currency);
    }
}
