package com.flashkey.catalog.product.web;

import java.util.List;

/** One page of the public product list; {@code page} is zero-based, {@code total} counts every listed product. */
record ProductPageResponse(List<ProductResponse> items, int page, int size, long total) {
}
