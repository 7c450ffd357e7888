package com.flashkey.gateway.resilience;

import java.util.Optional;
import java.util.function.LongSupplier;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.stereotype.Component;

import com.flashkey.gateway.config.GatewayProperties;

/**
 * The last good catalog answers (200 to a GET), by path and query, served while catalog cannot answer. A kept answer
 * is looked at again only once per {@code refresh-interval}, and copied again only if its ETag changed (or it has
 * none): the copy is for the rare moment catalog fails, and copying every answer cost CPU on every read.
 */
@Component
public class LastGoodResponses {

    /**
     * A stored answer.
     *
     * @param body the answer's bytes
     * @param contentType its Content-Type
     * @param contentEncoding its Content-Encoding
     * @param etag its ETag (null when catalog sent none)
     * @param checkedAtMillis when the downstream last confirmed it (this JVM's clock)
     */
    public record Stored(byte[] body, String contentType, String contentEncoding, String etag, long checkedAtMillis) {

        Stored confirmedAt(long millis) {
            return new Stored(body, contentType, contentEncoding, etag, millis);
        }
    }

    private final Cache<String, Stored> entries;

    private final long maxBodySize;

    private final long refreshMillis;

    private final LongSupplier clockMillis;

    @Autowired
    LastGoodResponses(GatewayProperties properties) {
        this(properties.lastGood(), System::currentTimeMillis);
    }

    LastGoodResponses(GatewayProperties.LastGood settings, LongSupplier clockMillis) {
        this.entries = Caffeine.newBuilder().maximumSize(settings.maxEntries()).build();
        this.maxBodySize = settings.maxBodySize().toBytes();
        this.refreshMillis = settings.refreshInterval().toMillis();
        this.clockMillis = clockMillis;
    }

    public Optional<Stored> find(ServerHttpRequest request) {
        return Optional.ofNullable(entries.getIfPresent(key(request)));
    }

    long maxBodySize() {
        return maxBodySize;
    }

    /** Whether this request's answer should be looked at: nothing kept yet, or the kept one is due for a check. */
    boolean due(String key) {
        Stored stored = entries.getIfPresent(key);
        return stored == null || clockMillis.getAsLong() - stored.checkedAtMillis() >= refreshMillis;
    }

    /**
     * The answer's ETag matches the kept copy (so its body needs no copy): the copy counts as confirmed now. False
     * when a copy is needed (none kept, no ETag, or another ETag).
     */
    boolean confirm(String key, String etag) {
        Stored stored = entries.getIfPresent(key);
        if (stored == null || etag == null || !etag.equals(stored.etag())) {
            return false;
        }
        entries.put(key, stored.confirmedAt(clockMillis.getAsLong()));
        return true;
    }

    void store(String key, byte[] body, String contentType, String contentEncoding, String etag) {
        entries.put(key, new Stored(body, contentType, contentEncoding, etag, clockMillis.getAsLong()));
    }

    static String key(ServerHttpRequest request) {
        String query = request.getURI().getRawQuery();
        return query == null ? request.getPath().value() : request.getPath().value() + "?" + query;
    }
}
