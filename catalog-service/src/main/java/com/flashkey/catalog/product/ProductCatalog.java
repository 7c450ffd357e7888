package com.flashkey.catalog.product;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;

import com.flashkey.catalog.config.CatalogProperties;

import reactor.core.publisher.Mono;

/** The catalog's use cases: read products (through the cache), add and change them, warm up a sale. */
@Service
public class ProductCatalog {

    /** A SKU: upper-case letters, digits and dashes, 2 to 40 characters, not starting with a dash. */
    public static final String SKU_PATTERN = "[A-Z0-9][A-Z0-9-]{1,39}";

    private static final Pattern SKU = Pattern.compile(SKU_PATTERN);

    private static final Logger log = LoggerFactory.getLogger(ProductCatalog.class);

    private final ProductRepository products;
    private final ProductCache cache;
    private final Clock clock;
    private final CatalogProperties properties;

    ProductCatalog(ProductRepository products, ProductCache cache, Clock clock, CatalogProperties properties) {
        this.products = products;
        this.cache = cache;
        this.clock = clock;
        this.properties = properties;
    }

    /** The product, or empty for an unknown SKU. A malformed SKU never reaches a cache or the database. */
    public Mono<Product> findProduct(String sku) {
        return findCachedProduct(sku).map(Cached::value);
    }

    /** As {@link #findProduct}, as the cache entry that also keeps the answer rendered from it (public reads). */
    public Mono<Cached<Product>> findCachedProduct(String sku) {
        return SKU.matcher(sku).matches() ? cache.find(sku) : Mono.empty();
    }

    /**
     * One page of active products in creation order, as the cache entry that also keeps the answer rendered from
     * it; the caller has checked the bounds.
     */
    public Mono<Cached<ProductPage>> listProducts(int page, int size) {
        return cache.page(page, size);
    }

    public Mono<Product> addProduct(ProductDraft draft) {
        return products.save(ProductRow.create(draft, clock.instant()))
            .timeout(properties.databaseTimeout())
            .onErrorMap(DuplicateKeyException.class, ex -> new DuplicateSkuException(draft.sku()))
            .map(ProductRow::toProduct)
            .flatMap(product -> cache.announceChange(product).thenReturn(product));
    }

    /** Replaces the fields of an existing product; a concurrent change of the same product fails with a conflict. */
    public Mono<Product> changeProduct(String sku, ProductDraft draft) {
        return products.findBySku(sku)
            .switchIfEmpty(Mono.error(() -> new ProductNotFoundException(sku)))
            .flatMap(row -> products.save(row.change(draft, clock.instant())))
            .timeout(properties.databaseTimeout())
            .map(ProductRow::toProduct)
            .flatMap(product -> cache.announceChange(product).thenReturn(product));
    }

    /** Loads products on sale now or starting within the warm-up horizon into Redis and the local cache. */
    public Mono<List<String>> warmUpUpcomingSales() {
        Instant now = clock.instant();
        CatalogProperties.WarmUp warmUp = properties.warmUp();
        return products.findOnSaleOrStartingBefore(now, now.plus(warmUp.horizon()), warmUp.maxProducts())
            .map(ProductRow::toProduct)
            .concatMap(product -> cache.warm(product).thenReturn(product.sku()))
            .collectList()
            .timeout(properties.databaseTimeout().multipliedBy(5));
    }

    @EventListener(ApplicationReadyEvent.class)
    void warmUpOnStartUp() {
        if (!properties.warmUp().onStartUp()) {
            return;
        }
        // Start-up hook, not a request path: nothing waits for the result, so it runs in the background and
        // only logs; a failed warm-up costs cache misses, not correctness.
        warmUpUpcomingSales().subscribe(skus -> log.info("Warmed {} products of current and upcoming sales", skus.size()),
                ex -> log.warn("Warm-up at start-up failed: {}", ex.toString()));
    }
}
