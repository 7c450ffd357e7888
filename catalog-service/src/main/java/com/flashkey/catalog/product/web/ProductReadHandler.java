package com.flashkey.catalog.product.web;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

import com.flashkey.catalog.config.CatalogProperties;
import com.flashkey.catalog.problem.FieldViolation;
import com.flashkey.catalog.problem.ProblemResponses;
import com.flashkey.catalog.problem.Problems;
import com.flashkey.catalog.product.Cached;
import com.flashkey.catalog.product.Cached.Rendering;
import com.flashkey.catalog.product.Product;
import com.flashkey.catalog.product.ProductCatalog;
import com.flashkey.catalog.product.ProductNotFoundException;
import com.flashkey.catalog.product.ProductPage;
import com.flashkey.catalog.product.StatusWindow;

import reactor.core.publisher.Mono;
import tools.jackson.databind.ObjectWriter;
import tools.jackson.databind.json.JsonMapper;

/**
 * The public product reads ({@link ProductRoutes}). A read answers the JSON bytes and ETag kept in the cache entry
 * ({@link Cached}), rendered once per product version and status: a rendering holds while the status it shows
 * does, so a read after the sale opens or closes renders the new status. {@code If-None-Match} is checked by the
 * response against its ETag (304 without a body).
 */
@Component
class ProductReadHandler {

    private final ProductCatalog catalog;
    private final HttpCaching caching;
    private final Clock clock;
    private final CatalogProperties.Paging paging;
    private final ObjectWriter productJson;
    private final ObjectWriter pageJson;
    private final BiFunction<Product, Instant, Rendering> renderProduct = this::render;
    private final BiFunction<ProductPage, Instant, Rendering> renderPage = this::render;

    /** {@code json}: the application's mapper, the one the annotated endpoints' encoder writes with. */
    ProductReadHandler(ProductCatalog catalog, HttpCaching caching, Clock clock, CatalogProperties properties,
            JsonMapper json) {
        this.catalog = catalog;
        this.caching = caching;
        this.clock = clock;
        this.paging = properties.paging();
        this.productJson = json.writerFor(ProductResponse.class);
        this.pageJson = json.writerFor(ProductPageResponse.class);
    }

    Mono<ServerResponse> product(ServerRequest request) {
        String sku = request.pathVariable("sku");
        return catalog.findCachedProduct(sku)
            .flatMap(found -> ok(found.renderingAt(clock.instant(), renderProduct)))
            .switchIfEmpty(Mono.defer(() -> ProblemResponses.answer(request,
                    Problems.of(HttpStatus.NOT_FOUND, Problems.NOT_FOUND, ProductNotFoundException.messageFor(sku)),
                    ReadHeaders::secureNoStore)))
            .onErrorResume(failure -> ProblemResponses.failure(request, failure, ReadHeaders::secureNoStore));
    }

    Mono<ServerResponse> list(ServerRequest request) {
        List<FieldViolation> violations = new ArrayList<>(2);
        int page = intParameter(request, "page", 0, violations);
        int size = intParameter(request, "size", paging.defaultSize(), violations);
        if (page < 0) {
            violations.add(new FieldViolation("page", "must be greater than or equal to 0"));
        }
        if (size < 1 || size > paging.maxSize()) {
            violations.add(new FieldViolation("size", "must be between 1 and " + paging.maxSize()));
        }
        if (!violations.isEmpty()) {
            return ProblemResponses.answer(request, Problems.validation(violations), ReadHeaders::secureNoStore);
        }
        return catalog.listProducts(page, size)
            .flatMap(found -> ok(found.renderingAt(clock.instant(), renderPage)))
            .onErrorResume(failure -> ProblemResponses.failure(request, failure, ReadHeaders::secureNoStore));
    }

    private Mono<ServerResponse> ok(Rendering rendering) {
        byte[] body = rendering.body();
        // The response answers 304 itself when If-None-Match matches its ETag (GET and HEAD), before the body
        // inserter runs: so the content headers are set there, and a 304 carries ETag and Cache-Control only.
        return ServerResponse.ok()
            .header(HttpHeaders.ETAG, rendering.etag())
            .header(HttpHeaders.CACHE_CONTROL, caching.cacheControl())
            .headers(ReadHeaders::secure)
            .body((message, context) -> {
                message.getHeaders().setContentType(MediaType.APPLICATION_JSON);
                message.getHeaders().setContentLength(body.length);
                return message.writeWith(Mono.just(message.bufferFactory().wrap(body)));
            });
    }

    private Rendering render(Product product, Instant now) {
        StatusWindow window = product.statusWindowAt(now);
        ProductResponse body = ProductResponse.of(product, window.status());
        return new Rendering(productJson.writeValueAsBytes(body), HttpCaching.etagOf(body, product.version()),
                window.from(), window.until());
    }

    /** A page's answer holds until the first of its items changes status. */
    private Rendering render(ProductPage page, Instant now) {
        List<ProductResponse> items = new ArrayList<>(page.items().size());
        long[] versions = new long[page.items().size()];
        Instant from = Instant.MIN;
        Instant until = Instant.MAX;
        for (Product product : page.items()) {
            StatusWindow window = product.statusWindowAt(now);
            versions[items.size()] = product.version();
            items.add(ProductResponse.of(product, window.status()));
            from = window.from().isAfter(from) ? window.from() : from;
            until = window.until().isBefore(until) ? window.until() : until;
        }
        ProductPageResponse body = new ProductPageResponse(items, page.page(), page.size(), page.total());
        return new Rendering(pageJson.writeValueAsBytes(body), HttpCaching.etagOf(body, versions), from, until);
    }

    /** An absent or empty parameter takes the default; one that is not an integer is listed as a violation. */
    private static int intParameter(ServerRequest request, String name, int absent, List<FieldViolation> violations) {
        Optional<String> value = request.queryParam(name);
        if (value.isEmpty() || value.get().isEmpty()) {
            return absent;
        }
        try {
            return Integer.parseInt(value.get());
        }
        catch (NumberFormatException ex) {
            violations.add(new FieldViolation(name, "must be an integer"));
            return absent;
        }
    }
}
