package com.flashkey.inventory.stock.web;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.http.HttpStatus;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientResponseException;

import com.flashkey.inventory.config.InventoryProperties;

import io.netty.channel.ChannelOption;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;

/**
 * Reads a product's sale window from catalog-service for the public stock view, through a short per-SKU cache
 * (answers, including "no such product", are kept for {@code catalog-cache-ttl}; failures are not cached).
 */
@Component
class CatalogClient {

    private static final int MAX_CACHED = 10_000;

    private final WebClient web;
    private final Duration timeout;
    private final Duration ttl;
    private final Map<String, Mono<Optional<SaleWindow>>> cache = new ConcurrentHashMap<>();

    CatalogClient(InventoryProperties properties) {
        this.timeout = properties.catalogTimeout();
        this.ttl = properties.catalogCacheTtl();
        HttpClient http = HttpClient.create().responseTimeout(timeout)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) timeout.toMillis());
        this.web = WebClient.builder().baseUrl(properties.catalogUrl().toString())
                .clientConnector(new ReactorClientHttpConnector(http)).build();
    }

    /** The product's window and whether it is off the shelf. */
    record SaleWindow(Instant saleStartsAt, Instant saleEndsAt, boolean offShelf) {
    }

    record Product(String sku, Instant saleStartsAt, Instant saleEndsAt, String status) {
    }

    /** The window, empty when catalog knows no such product; an error when catalog cannot answer. */
    Mono<Optional<SaleWindow>> window(String sku) {
        if (cache.size() > MAX_CACHED) {
            cache.clear();
        }
        return cache.computeIfAbsent(sku, s -> fetch(s).cache(v -> ttl, ex -> Duration.ZERO, () -> ttl))
                .doOnError(ex -> cache.remove(sku));
    }

    private Mono<Optional<SaleWindow>> fetch(String sku) {
        return web.get().uri("/api/products/{sku}", sku).retrieve().bodyToMono(Product.class)
                .map(p -> Optional.of(new SaleWindow(p.saleStartsAt(), p.saleEndsAt(), "OFF_SHELF".equals(p.status()))))
                .onErrorResume(WebClientResponseException.class,
                        ex -> ex.getStatusCode().value() == HttpStatus.NOT_FOUND.value() ? Mono.just(Optional.empty())
                                : Mono.error(ex))
                .timeout(timeout.multipliedBy(2));
    }
}
