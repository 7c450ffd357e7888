package com.flashkey.inventory.stock;

import java.util.List;

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

    /** Which SKU an order reserved, for releases that name only the order. */
    String orderSku(String orderNo) {
        return prefix + "order:" + orderNo;
    }

    List<String> reserveKeys(String sku, String orderNo) {
        return List.of(stock(sku), reservation(sku, orderNo), buyers(sku), pending(sku), rebuilding(sku));
    }
}
