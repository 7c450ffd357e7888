package com.flashkey.catalog.product.web;

import static org.springframework.web.reactive.function.server.RequestPredicates.methods;
import static org.springframework.web.reactive.function.server.RequestPredicates.path;

import java.util.List;

import org.springdoc.core.annotations.RouterOperation;
import org.springdoc.core.annotations.RouterOperations;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.reactive.function.server.support.RouterFunctionMapping;
import org.springframework.web.server.MethodNotAllowedException;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.enums.ParameterIn;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import reactor.core.publisher.Mono;

/**
 * The public product reads as functional endpoints: the hottest requests of a sale skip the annotated-controller
 * dispatch (handler-method lookup, argument resolution, return-value handling and content negotiation) and send
 * the bytes their cache entry keeps ({@link ProductReadHandler}).
 */
@Configuration(proxyBeanMethods = false)
class ProductRoutes {

    /**
     * Router functions are asked before the actuator's endpoint mapping (order -100), which otherwise tests every
     * request against each endpoint's conditions, Accept negotiation included, before the reads are found. The
     * routes above match only the two read paths, so no actuator request is taken from the actuator.
     */
    @Bean
    static BeanPostProcessor routerFunctionsFirst() {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessBeforeInitialization(Object bean, String beanName) {
                if (bean instanceof RouterFunctionMapping mapping) {
                    mapping.setOrder(Ordered.HIGHEST_PRECEDENCE);
                }
                return bean;
            }
        };
    }

    /** The tag of the reads in the API docs, as the annotated controllers declare theirs with {@code @Tag}. */
    @Bean
    OpenApiCustomizer productsTag() {
        return openApi -> openApi.addTagsItem(new io.swagger.v3.oas.models.tags.Tag().name("products")
            .description("Public product reads; cached, with ETag and Cache-Control"));
    }

    @Bean
    @RouterOperations({
            @RouterOperation(path = "/api/products", method = RequestMethod.GET,
                    operation = @Operation(operationId = "listProducts", tags = "products",
                            summary = "List active products in creation order",
                            parameters = {
                                    @Parameter(name = "page", in = ParameterIn.QUERY,
                                            description = "zero-based page number",
                                            schema = @Schema(type = "integer", format = "int32")),
                                    @Parameter(name = "size", in = ParameterIn.QUERY,
                                            description = "page size, 1 to flashkey.catalog.paging.max-size",
                                            schema = @Schema(type = "integer", format = "int32")) },
                            responses = {
                                    @ApiResponse(responseCode = "200", description = "OK",
                                            content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE,
                                                    schema = @Schema(implementation = ProductPageResponse.class))),
                                    @ApiResponse(responseCode = "304", description = "Not Modified"),
                                    @ApiResponse(responseCode = "400", description = "page or size out of bounds",
                                            content = @Content(mediaType = MediaType.APPLICATION_PROBLEM_JSON_VALUE,
                                                    schema = @Schema(implementation = ProblemDetail.class))) })),
            @RouterOperation(path = "/api/products/{sku}", method = RequestMethod.GET,
                    operation = @Operation(operationId = "product", tags = "products", summary = "Read one product",
                            parameters = @Parameter(name = "sku", in = ParameterIn.PATH, required = true,
                                    schema = @Schema(type = "string")),
                            responses = {
                                    @ApiResponse(responseCode = "200", description = "OK",
                                            content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE,
                                                    schema = @Schema(implementation = ProductResponse.class))),
                                    @ApiResponse(responseCode = "304", description = "Not Modified"),
                                    @ApiResponse(responseCode = "404", description = "unknown SKU",
                                            content = @Content(mediaType = MediaType.APPLICATION_PROBLEM_JSON_VALUE,
                                                    schema = @Schema(implementation = ProblemDetail.class))) })) })
    RouterFunction<ServerResponse> productReads(ProductReadHandler handler) {
        return RouterFunctions.route()
            .route(methods(HttpMethod.GET, HttpMethod.HEAD).and(path("/api/products/{sku}")), handler::product)
            .route(methods(HttpMethod.GET, HttpMethod.HEAD).and(path("/api/products")), handler::list)
            // Another method on these paths is a 405 with Allow (ProblemHandler), not a 404 for a path that exists.
            .route(path("/api/products/{sku}").or(path("/api/products")), request -> Mono.error(
                    new MethodNotAllowedException(request.method(), List.of(HttpMethod.GET, HttpMethod.HEAD))))
            .build();
    }
}
