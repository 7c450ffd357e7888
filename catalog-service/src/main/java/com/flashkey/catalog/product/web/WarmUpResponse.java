package com.flashkey.catalog.product.web;

import java.util.List;

/** The products a warm-up put into Redis and the local cache. */
record WarmUpResponse(int warmed, List<String> skus) {
}
