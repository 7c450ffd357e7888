package com.flashkey.catalog.product;

import java.time.Instant;

/** The fields an admin sets on create or update, already checked (see {@code ProductRequest#toDraft}). */
public record ProductDraft(String sku, String name, String description, Price price, Instant saleStartsAt,
        Instant saleEndsAt, int perBuyerLimit, boolean active) {
}
