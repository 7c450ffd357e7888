package com.flashkey.contracts;

import java.time.Instant;

/** An admin created or changed a product; every catalog replica drops its cached copy. */
public record ProductChanged(String sku, long version, Instant changedAt) implements Event {
}
