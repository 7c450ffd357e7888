package com.flashkey.catalog.product.web;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import com.flashkey.catalog.config.CatalogProperties;
import com.flashkey.catalog.problem.FieldViolation;
import com.flashkey.catalog.problem.InvalidRequestException;
import com.flashkey.catalog.product.Product;
import com.flashkey.catalog.product.ProductCatalog;
import com.flashkey.catalog.product.ProductNotFoundException;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import reactor.core.publisher.Mono;

@RestController
@RequestMapping("/api/products")
@Tag(name = "products", description = "Public product reads; cached, with ETag and Cache-Control")
class ProductController {

    private final ProductCatalog catalog;
    private final HttpCaching caching;
    private final Clock clock;
    private final CatalogProperties.Paging paging;

    ProductController(ProductCatalog catalog, HttpCaching caching, Clock clock, CatalogProperties properties) {
        this.catalog = catalog;
        this.caching = caching;
        this.clock = clock;
        this.paging = properties.paging();
    }

    @GetMapping
    @Operation(summary = "List active products in creation order",
            responses = { @ApiResponse(responseCode = "200"), @ApiResponse(responseCode = "304"),
                    @ApiResponse(responseCode = "400", description = "page or size out of bounds") })
    Mono<ResponseEntity<ProductPageResponse>> listProducts(
            @Parameter(description = "zero-based page number") @RequestParam(required = false) Integer page,
            @Parameter(description = "page size, 1 to flashkey.catalog.paging.max-size") @RequestParam(required = false) Integer size) {
        int pageNumber = page == null ? 0 : page;
        int pageSize = size == null ? paging.defaultSize() : size;
        List<FieldViolation> violations = new ArrayList<>();
        if (pageNumber < 0) {
            violations.add(new FieldViolation("page", "must be greater than or equal to 0"));
        }
        if (pageSize < 1 || pageSize > paging.maxSize()) {
            violations.add(new FieldViolation("size", "must be between 1 and " + paging.maxSize()));
        }
        if (!violations.isEmpty()) {
            return Mono.error(new InvalidRequestException(violations));
        }
        return catalog.listProducts(pageNumber, pageSize).map(found -> {
            Instant now = clock.instant();
            List<ProductResponse> items = found.items().stream().map(product -> ProductResponse.of(product, now)).toList();
            long[] versions = found.items().stream().mapToLong(Product::version).toArray();
            ProductPageResponse body = new ProductPageResponse(items, found.page(), found.size(), found.total());
            return ResponseEntity.ok()
                .eTag(HttpCaching.etagOf(body, versions))
                .cacheControl(caching.cacheControl())
                .body(body);
        });
    }

    @GetMapping("/{sku}")
    @Operation(summary = "Read one product",
            responses = { @ApiResponse(responseCode = "200"), @ApiResponse(responseCode = "304"),
                    @ApiResponse(responseCode = "404", description = "unknown SKU") })
    Mono<ResponseEntity<ProductResponse>> product(@PathVariable String sku) {
        return catalog.findProduct(sku)
            .switchIfEmpty(Mono.error(() -> new ProductNotFoundException(sku)))
            .map(product -> {
                ProductResponse body = ProductResponse.of(product, clock.instant());
                return ResponseEntity.ok()
                    .eTag(HttpCaching.etagOf(body, product.version()))
                    .cacheControl(caching.cacheControl())
                    .body(body);
            });
    }
}
