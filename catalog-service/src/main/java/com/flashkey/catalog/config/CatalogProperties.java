package com.flashkey.catalog.config;

import java.time.Duration;

import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of catalog-service ({@code flashkey.catalog.*}); defaults live in application.yml.
 *
 * @param databaseTimeout longest wait for one database query before the request fails with 503
 * @param cache the product read path: in-process cache, Redis, single-flight loading
 * @param http HTTP caching of product reads
 * @param paging bounds of the public product list
 * @param warmUp loading products of upcoming sales into the caches before the rush
 */
@Validated
@ConfigurationProperties("flashkey.catalog")
public record CatalogProperties(@NotNull Duration databaseTimeout, @Valid @NotNull Cache cache, @Valid @NotNull Http http,
        @Valid @NotNull Paging paging, @Valid @NotNull WarmUp warmUp) {

    /**
     * @param localTtl lifetime of a product in the in-process cache (bounds staleness if an invalidation is lost)
     * @param localNegativeTtl lifetime of an "unknown SKU" answer in the in-process cache
     * @param localMaxSize most products (and unknown SKUs) held in the in-process cache
     * @param redisTtl lifetime of a product in Redis
     * @param redisNegativeTtl lifetime of an "unknown SKU" marker in Redis (short: a product may be created soon)
     * @param ttlJitter every TTL is spread by +/- this fraction so entries written together do not expire together
     * @param redisTimeout longest wait for one Redis command; on timeout the read falls through to the database
     * @param loadLockTtl lifetime of the Redis lock that lets one replica load a missing product for all
     * @param loadWait how long a replica that lost the lock polls Redis before it queries the database itself
     * @param loadPollInterval pause between those polls
     * @param listTtl lifetime of a product list page in the in-process cache
     */
    public record Cache(@NotNull Duration localTtl, @NotNull Duration localNegativeTtl, @Min(1) long localMaxSize,
            @NotNull Duration redisTtl, @NotNull Duration redisNegativeTtl,
            @DecimalMin("0.0") @DecimalMax("0.5") double ttlJitter, @NotNull Duration redisTimeout,
            @NotNull Duration loadLockTtl, @NotNull Duration loadWait, @NotNull Duration loadPollInterval,
            @NotNull Duration listTtl) {
    }

    /** @param maxAge {@code Cache-Control: public, max-age} of product reads and lists */
    public record Http(@NotNull Duration maxAge) {
    }

    /**
     * @param defaultSize page size when the request gives none
     * @param maxSize largest page size a request may ask for
     */
    public record Paging(@Min(1) @Max(1000) int defaultSize, @Min(1) @Max(1000) int maxSize) {
    }

    /**
     * @param onStartUp warm the caches once the service is ready
     * @param horizon products on sale now or whose sale starts within this horizon are warmed
     * @param maxProducts most products one warm-up loads
     */
    public record WarmUp(boolean onStartUp, @NotNull Duration horizon, @Min(1) int maxProducts) {
    }
}
