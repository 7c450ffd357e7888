package com.flashkey.catalog.product.web;

import java.time.Instant;

import com.flashkey.catalog.product.Product;
import com.flashkey.catalog.product.ProductStatus;

/** A product as the storefront sees it; {@code status} is computed for the instant of the answer. */
record ProductResponse(String sku, String name, String description, String price, String currency,
        Instant saleStartsAt, Instant saleEndsAt, int perBuyerLimit, ProductStatus status) {

    static ProductResponse of(Product product, Instant now) {
        return of(product, product.statusAt(now));
    }

    static ProductResponse of(Product product, ProductStatus status) {
        return new ProductResponse(product.sku(), product.name(), product.description(), product.price().amount(),
                product.currency(), product.saleStartsAt(), product.saleEndsAt(), product.perBuyerLimit(), status);
    }
}
