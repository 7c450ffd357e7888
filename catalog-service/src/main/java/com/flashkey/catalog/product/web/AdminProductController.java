package com.flashkey.catalog.product.web;

import java.net.URI;
import java.time.Clock;

import jakarta.validation.Valid;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import com.flashkey.catalog.product.ProductCatalog;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import reactor.core.publisher.Mono;

@RestController
@RequestMapping("/api/admin/products")
@Tag(name = "admin-products", description = "Shop admin: create and change products, warm the caches before a sale")
@SecurityRequirement(name = "admin-jwt")
class AdminProductController {

    private final ProductCatalog catalog;
    private final Clock clock;

    AdminProductController(ProductCatalog catalog, Clock clock) {
        this.catalog = catalog;
        this.clock = clock;
    }

    @PostMapping
    @Operation(summary = "Add a product",
            responses = { @ApiResponse(responseCode = "201"), @ApiResponse(responseCode = "400"),
                    @ApiResponse(responseCode = "401"), @ApiResponse(responseCode = "403"),
                    @ApiResponse(responseCode = "409", description = "the SKU exists") })
    Mono<ResponseEntity<ProductResponse>> addProduct(@Valid @RequestBody ProductRequest request) {
        return Mono.fromCallable(() -> request.toDraft(null))
            .flatMap(catalog::addProduct)
            .map(product -> ResponseEntity.created(URI.create("/api/products/" + product.sku()))
                .body(ProductResponse.of(product, clock.instant())));
    }

    @PutMapping("/{sku}")
    @Operation(summary = "Change a product (every field is replaced)",
            responses = { @ApiResponse(responseCode = "200"), @ApiResponse(responseCode = "400"),
                    @ApiResponse(responseCode = "401"), @ApiResponse(responseCode = "403"),
                    @ApiResponse(responseCode = "404"),
                    @ApiResponse(responseCode = "409", description = "changed concurrently") })
    Mono<ResponseEntity<ProductResponse>> changeProduct(@PathVariable String sku,
            @Valid @RequestBody ProductRequest request) {
        return Mono.fromCallable(() -> request.toDraft(sku))
            .flatMap(draft -> catalog.changeProduct(sku, draft))
            .map(product -> ResponseEntity.ok(ProductResponse.of(product, clock.instant())));
    }

    @PostMapping("/warm-up")
    @Operation(summary = "Load products on sale or starting within flashkey.catalog.warm-up.horizon into the caches",
            responses = { @ApiResponse(responseCode = "200"), @ApiResponse(responseCode = "401"),
                    @ApiResponse(responseCode = "403") })
    Mono<WarmUpResponse> warmUp() {
        return catalog.warmUpUpcomingSales().map(skus -> new WarmUpResponse(skus.size(), skus));
    }
}
