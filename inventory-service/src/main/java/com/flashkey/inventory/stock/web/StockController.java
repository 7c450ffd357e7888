package com.flashkey.inventory.stock.web;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.CacheControl;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

import com.flashkey.inventory.stock.StockCounters;
import com.flashkey.inventory.stock.StockRebuilder;
import com.flashkey.inventory.web.NotFoundException;
import com.flashkey.inventory.web.Skus;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import reactor.core.publisher.Mono;

/**
 * Public live stock of a product, served from the Redis counter. The sale window comes from catalog through a short
 * cache; when catalog cannot answer the status falls back to ON_SALE/SOLD_OUT from the counter alone.
 */
@RestController
@Tag(name = "stock")
class StockController {

    private static final Logger log = LoggerFactory.getLogger(StockController.class);

    private final StockCounters counters;
    private final StockRebuilder rebuilder;
    private final CatalogClient catalog;
    private final Clock clock;

    StockController(StockCounters counters, StockRebuilder rebuilder, CatalogClient catalog, Clock clock) {
        this.counters = counters;
        this.rebuilder = rebuilder;
        this.catalog = catalog;
        this.clock = clock;
    }

    enum StockStatus {
        ON_SALE, SOLD_OUT, NOT_STARTED, ENDED
    }

    record StockView(String sku, long available, StockStatus status) {
    }

    @GetMapping("/api/products/{sku}/stock")
    @Operation(summary = "Live stock of a product")
    Mono<ResponseEntity<StockView>> stock(@PathVariable String sku) {
        Skus.require(sku);
        return catalogOrUnknown(sku).flatMap(lookup -> {
            if (lookup == Lookup.MISSING) {
                return Mono.error(new NotFoundException(sku));
            }
            return counter(sku).map(available -> ResponseEntity.ok()
                    .cacheControl(CacheControl.maxAge(Duration.ofSeconds(1)).cachePublic())
                    .body(new StockView(sku, available, status(lookup.window(), available))));
        });
    }

    /** What catalog said: a window, no such product, or nothing (unreachable). */
    private record Lookup(CatalogClient.SaleWindow window) {
        static final Lookup MISSING = new Lookup(null);
        static final Lookup UNKNOWN = new Lookup(null);
    }

    private Mono<Lookup> catalogOrUnknown(String sku) {
        return catalog.window(sku).map(found -> found.map(Lookup::new).orElse(Lookup.MISSING))
                .onErrorResume(ex -> {
                    // Stock display is not core: without catalog, answer from the counter alone.
                    log.debug("catalog unavailable for {}: {}", sku, ex.toString());
                    return Mono.just(Lookup.UNKNOWN);
                });
    }

    private Mono<Long> counter(String sku) {
        return counters.available(sku).switchIfEmpty(Mono.defer(() -> rebuilder.rebuild(sku)));
    }

    private StockStatus status(CatalogClient.SaleWindow window, long available) {
        if (window != null) {
            Instant now = clock.instant();
            if (window.offShelf() || !now.isBefore(window.saleEndsAt())) {
                return StockStatus.ENDED;
            }
            if (now.isBefore(window.saleStartsAt())) {
                return StockStatus.NOT_STARTED;
            }
        }
        return available > 0 ? StockStatus.ON_SALE : StockStatus.SOLD_OUT;
    }
}
