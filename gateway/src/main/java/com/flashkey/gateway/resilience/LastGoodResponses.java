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
     * @param cacheControl its Cache-Control (null when catalog sent none)
     * @param checkedAtMillis when the downstream last confirmed it (this JVM's clock)
     */
    public record Stored(byte[] body, String contentType, String contentEncoding, String etag, String cacheControl,
            long checkedAtMillis) {

        /** Catalog let shared caches keep it: {@code public} with a {@code max-age}, and nothing forbidding it. */
        boolean shareable() {
            if (cacheControl == null) {
                return false;
            }
            boolean isPublic = false;
            boolean maxAge = false;
            for (String directive : cacheControl.toLowerCase(java.util.Locale.ROOT).split(",")) {
                String d = directive.trim();
                if (d.equals("no-store") || d.equals("private") || d.equals("no-cache") || d.startsWith("s-maxage=0")
                        || d.equals("max-age=0")) {
                    return false;
                }
                isPublic |= d.equals("public");
                maxAge |= d.startsWith("max-age=") || d.startsWith("s-maxage=");
            }
            return isPublic && maxAge;
        }
    }

    private final Cache<String, Stored> entries;

    private final long maxBodySize;

    private final long refreshMillis;

    private final long freshMillis;

    private final LongSupplier clockMillis;

    @Autowired
    LastGoodResponses(GatewayProperties properties) {
        this(properties.lastGood(), System::currentTimeMillis);
    }

    LastGoodResponses(GatewayProperties.LastGood settings, LongSupplier clockMillis) {
        this.entries = Caffeine.newBuilder().maximumSize(settings.maxEntries()).build();
        this.maxBodySize = settings.maxBodySize().toBytes();
        this.refreshMillis = settings.refreshInterval().toMillis();
        this.freshMillis = Math.min(settings.freshFor().toMillis(), refreshMillis);
        this.clockMillis = clockMillis;
    }

    public Optional<Stored> find(ServerHttpRequest request) {
        return Optional.ofNullable(entries.getIfPresent(key(request)));
    }

    /**
     * The kept answer to this key if the gateway may answer it itself: catalog made it shareable and confirmed it
     * less than {@code fresh-for} ago.
     */
    Optional<Stored> fresh(String key) {
        Stored stored = entries.getIfPresent(key);
        if (stored == null || freshMillis <= 0 || clockMillis.getAsLong() - stored.checkedAtMillis() >= freshMillis
                || !stored.shareable()) {
            return Optional.empty();
        }
        return Optional.of(stored);
    }

    /** Seconds since catalog last confirmed it (the {@code Age} a shared cache sends). */
    long ageSeconds(Stored stored) {
        return Math.max(0, (clockMillis.getAsLong() - stored.checkedAtMillis()) / 1000);
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
    boolean confirm(String key, String etag, String cacheControl) {
        Stored stored = entries.getIfPresent(key);
        if (stored == null || etag == null || !etag.equals(stored.etag())) {
            return false;
        }
        entries.put(key, new Stored(stored.body(), stored.contentType(), stored.contentEncoding(), stored.etag(),
                cacheControl, clockMillis.getAsLong()));
        return true;
    }

    void store(String key, byte[] body, String contentType, String contentEncoding, String etag, String cacheControl) {
        entries.put(key, new Stored(body, contentType, contentEncoding, etag, cacheControl, clockMillis.getAsLong()));
    }

    static String key(ServerHttpRequest request) {
        String query = request.getURI().getRawQuery();
        return query == null ? request.getPath().value() : request.getPath().value() + "?" + query;
    }
}
