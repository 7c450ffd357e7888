package com.flashkey.inventory.stock;

import com.flashkey.inventory.config.InventoryProperties;
import java.util.List;

import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import com.flashkey.inventory.config.InventoryProperties;
import org.springframework.stereotype.Component;

import reactor.core.publisher.Mono;

/** Reads and adjusts a SKU's Redis counter outside the reservation scripts. */
@Component
public class StockCounters {


    private final ReactiveStringRedisTemplate redis;
    private final StockKeys keys;
    private final StockScripts scripts;
    private final StockRebuilder rebuilder;
    private final InventoryProperties properties;

    public StockCounters(ReactiveStringRedisTemplate redis, StockKeys keys, StockScripts scripts,
            StockRebuilder rebuilder, InventoryProperties properties) {
        this.properties = properties;
        this.redis = redis;
        this.keys = keys;
        this.scripts = scripts;
        this.rebuilder = rebuilder;
    }

    /** Adds freshly imported keys; a missing or rebuilding counter is rebuilt from the database instead. */
    public Mono<Void> addImported(String sku, long units) {
        if (units == 0) {
            return redis.hasKey(keys.stock(sku)).timeout(properties.redisTimeout())
                    .flatMap(exists -> exists ? Mono.<Void>empty() : rebuilder.rebuild(sku).then());
        }
        return redis.execute(scripts.addStock, List.of(keys.stock(sku), keys.rebuilding(sku)), List.of(Long.toString(units)))
                .next().timeout(properties.redisTimeout())
                .flatMap(result -> result < 0 ? rebuilder.rebuild(sku).then() : Mono.<Void>empty());
    }

    /** The counter, or empty when Redis has none for the SKU. */
    public Mono<Long> available(String sku) {
        return redis.opsForValue().get(keys.stock(sku)).timeout(properties.redisTimeout()).map(Long::parseLong);
    }

    public Mono<Boolean> rebuilding(String sku) {
        return redis.hasKey(keys.rebuilding(sku)).timeout(properties.redisTimeout());
    }
}
