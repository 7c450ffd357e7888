package com.flashkey.catalog.product;

import java.time.Instant;

import org.springframework.data.annotation.Id;
import org.springframework.data.annotation.Version;
import org.springframework.data.relational.core.mapping.Table;

/** The {@code product} table. Prices in minor units, times in UTC. */
@Table("product")
record ProductRow(@Id Long id, String sku, String name, String description, long priceMinor, String currency,
        Instant saleStartsAt, Instant saleEndsAt, int perBuyerLimit, boolean active, @Version Long version,
        Instant createdAt, Instant updatedAt) {

    static ProductRow create(ProductDraft draft, Instant now) {
        return new ProductRow(null, draft.sku(), draft.name(), draft.description(), draft.price().minor(),
                draft.price().currency().getCurrencyCode(), draft.saleStartsAt(), draft.saleEndsAt(),
                draft.perBuyerLimit(), draft.active(), null, now, now);
    }

    ProductRow change(ProductDraft draft, Instant now) {
        return new ProductRow(id, sku, draft.name(), draft.description(), draft.price().minor(),
                draft.price().currency().getCurrencyCode(), draft.saleStartsAt(), draft.saleEndsAt(),
                draft.perBuyerLimit(), draft.active(), version, createdAt, now);
    }

    Product toProduct() {
        return new Product(sku, name, description, priceMinor, currency, saleStartsAt, saleEndsAt, perBuyerLimit,
                active, version);
    }
}
