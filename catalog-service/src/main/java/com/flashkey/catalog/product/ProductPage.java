package com.flashkey.catalog.product;

import java.util.List;

/** One page of active products in creation order; {@code page} is zero-based. */
public record ProductPage(List<Product> items, int page, int size, long total) {
}
