package com.flashkey.inventory.stock;

import org.springframework.stereotype.Component;

import com.flashkey.inventory.config.SharedProperties;

/**
 * Redis key names. Every key of one SKU carries the {@code {sku}} hash tag, so a SKU's keys share one Redis Cluster
 * slot and one Lua script may touch them all.
 */
@Component
public class StockKeys {

    private final String prefix;

    public StockKeys(SharedProperties.Redis redis) {
        this.prefix = redis.keyPrefix() + "inv:";
    }

    String stock(String sku) {
        return prefix + "{" + sku + "}:stock";
    }

    String reservation(String sku, String orderNo) {
        return prefix + "{" + sku + "}:res:" + orderNo;
    }

    String buyers(String sku) {
        return prefix + "{" + sku + "}:buyers";
    }

    String pending(String sku) {
        return prefix + "{" + sku + "}:pending";
    }

    String rebuilding(String sku) {
        return prefix + "{" + sku + "}:rebuilding";
    }

}
