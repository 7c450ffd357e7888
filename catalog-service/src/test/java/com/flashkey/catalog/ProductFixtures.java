package com.flashkey.catalog;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** Admin request bodies for tests; every SKU is unique within the JVM. */
public final class ProductFixtures {

    private static final AtomicInteger sequence = new AtomicInteger();

    private ProductFixtures() {
    }

    public static String uniqueSku(String stem) {
        return stem + "-" + System.nanoTime() % 1_000_000 + "-" + sequence.incrementAndGet();
    }

    /** A product on sale from an hour ago for a day, 9.90 CNY, limit 2. */
    public static Map<String, Object> onSale(String sku) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        return product(sku, now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(1)));
    }

    public static Map<String, Object> product(String sku, Instant saleStartsAt, Instant saleEndsAt) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("sku", sku);
        body.put("name", "Steam card " + sku);
        body.put("description", "A 100 CNY gift card");
        body.put("price", "9.90");
        body.put("currency", "CNY");
        body.put("saleStartsAt", saleStartsAt.toString());
        body.put("saleEndsAt", saleEndsAt.toString());
        body.put("perBuyerLimit", 2);
        body.put("active", true);
        return body;
    }

    public static Map<String, Object> with(Map<String, Object> body, String field, Object value) {
        Map<String, Object> copy = new LinkedHashMap<>(body);
        copy.put(field, value);
        return copy;
    }
}
