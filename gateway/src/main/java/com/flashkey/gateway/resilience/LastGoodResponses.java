package com.flashkey.gateway.resilience;

import java.time.Instant;
import java.util.Optional;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.stereotype.Component;

import com.flashkey.gateway.config.GatewayProperties;

/** The last good catalog answers (200 to a GET), by path and query, served while catalog cannot answer. */
@Component
public class LastGoodResponses {

    /** A stored answer. */
    public record Stored(byte[] body, String contentType, String contentEncoding, Instant storedAt) {
    }

    private final Cache<String, Stored> entries;

    private final long maxBodySize;

    LastGoodResponses(GatewayProperties properties) {
        this.entries = Caffeine.newBuilder().maximumSize(properties.lastGood().maxEntries()).build();
        this.maxBodySize = properties.lastGood().maxBodySize().toBytes();
    }

    public Optional<Stored> find(ServerHttpRequest request) {
        return Optional.ofNullable(entries.getIfPresent(key(request)));
    }

    long maxBodySize() {
        return maxBodySize;
    }

    void store(ServerHttpRequest request, Stored stored) {
        entries.put(key(request), stored);
    }

    private static String key(ServerHttpRequest request) {
        String query = request.getURI().getRawQuery();
        return query == null ? request.getPath().value() : request.getPath().value() + "?" + query;
    }
}
