package com.flashkey.order.catalog;

import java.time.Instant;

/**
 * A product as catalog-service publishes it ({@code GET /api/products/{sku}}).
 *
 * @param price  decimal string, e.g. {@code "9.90"}
 * @param status NOT_STARTED, ON_SALE, ENDED or OFF_SHELF as catalog computed it when answering
 */
public record Product(String sku, String name, String price, String currency, Instant saleStartsAt,
        Instant saleEndsAt, int perBuyerLimit, String status) {

    /** Whether the sale is open at {@code now}: listed, and inside its window (judged here, not from a cached status). */
    public boolean onSaleAt(Instant now) {
        if ("OFF_SHELF".equals(status)) {
            return false;
        }
        return (saleStartsAt == null || !now.isBefore(saleStartsAt)) && (saleEndsAt == null || now.isBefore(saleEndsAt));
    }
}
