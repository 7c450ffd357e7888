package com.flashkey.catalog.product;

import java.time.Instant;

import org.springframework.data.domain.Pageable;
import org.springframework.data.r2dbc.repository.Query;
import org.springframework.data.repository.reactive.ReactiveCrudRepository;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

interface ProductRepository extends ReactiveCrudRepository<ProductRow, Long> {

    Mono<ProductRow> findBySku(String sku);

    /** Active products, ordered by the caller's sort (id: creation order, stable under updates). */
    Flux<ProductRow> findByActiveTrue(Pageable pageable);

    Mono<Long> countByActiveTrue();

    @Query("""
            SELECT * FROM product
             WHERE active = TRUE AND sale_ends_at > :now AND sale_starts_at <= :until
             ORDER BY sale_starts_at, id
             LIMIT :limit""")
    Flux<ProductRow> findOnSaleOrStartingBefore(Instant now, Instant until, int limit);
}
