package com.flashkey.catalog.product;

import org.springframework.stereotype.Component;

import com.flashkey.catalog.config.RedisKeyProperties;

/** Every Redis key and channel of the catalog, all under {@code flashkey.redis.key-prefix}. */
@Component
class ProductKeys {

    private final String prefix;

    ProductKeys(RedisKeyProperties properties) {
        this.prefix = properties.keyPrefix() + "catalog:";
    }

    /** The cached product (JSON) or the "unknown SKU" marker. {@code v1} names the value format. */
    String product(String sku) {
        return prefix + "product:v1:" + sku;
    }

    /** Held by the one replica that loads a missing product from the database for everyone. */
    String loadLock(String sku) {
        return prefix + "product-load:" + sku;
    }

    /** Pub/sub channel: the SKU of each changed product, so every replica drops its local copy. */
    String changes() {
        return prefix + "product-changed";
    }
}
