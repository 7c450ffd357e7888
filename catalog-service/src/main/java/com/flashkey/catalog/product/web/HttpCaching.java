package com.flashkey.catalog.product.web;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import org.springframework.http.CacheControl;
import org.springframework.stereotype.Component;

import com.flashkey.catalog.config.CatalogProperties;

/**
 * ETags and Cache-Control of product reads. A product's ETag is its version plus its current status, so it
 * changes on every update and when the sale opens or closes; a list's ETag hashes the same facts of its items.
 */
@Component
class HttpCaching {

    private final String cacheControl;

    HttpCaching(CatalogProperties properties) {
        this.cacheControl = CacheControl.maxAge(properties.http().maxAge()).cachePublic().getHeaderValue();
    }

    /** The {@code Cache-Control} value of product reads and lists, built once. */
    String cacheControl() {
        return cacheControl;
    }

    static String etagOf(ProductResponse product, long version) {
        return "\"v" + version + "-" + product.status() + "\"";
    }

    static String etagOf(ProductPageResponse page, long[] versions) {
        StringBuilder facts = new StringBuilder().append(page.page())
            .append('/')
            .append(page.size())
            .append('/')
            .append(page.total());
        for (int i = 0; i < page.items().size(); i++) {
            ProductResponse item = page.items().get(i);
            facts.append('|').append(item.sku()).append(':').append(versions[i]).append(':').append(item.status());
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(facts.toString().getBytes(StandardCharsets.UTF_8));
            return "\"" + HexFormat.of().formatHex(digest, 0, 16) + "\"";
        }
        catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException("SHA-256 is part of every JRE", ex);
        }
    }
}
