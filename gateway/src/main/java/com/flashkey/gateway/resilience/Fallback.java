package com.flashkey.gateway.resilience;

/** What a route answers when its downstream fails, is slow, or its circuit is open (or the route is degraded). */
public enum Fallback {
    /** The last good answer to the same GET, if the gateway has one; otherwise 503. */
    CACHED,
    /** 200 {@code {sku, available: null, status: "UNKNOWN"}}: the storefront shows "stock unknown". */
    STOCK_UNKNOWN,
    /** 503 {@code unavailable} with Retry-After, at once. */
    UNAVAILABLE
}
