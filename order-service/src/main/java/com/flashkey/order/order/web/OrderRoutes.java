package com.flashkey.order.order.web;

import static org.springframework.web.reactive.function.server.RequestPredicates.POST;
import static org.springframework.web.reactive.function.server.RequestPredicates.path;

import java.util.Set;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.enums.ParameterIn;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import org.springdoc.core.annotations.RouterOperation;
import reactor.core.publisher.Mono;

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

import com.flashkey.order.order.PlacedOrder;

/**
 * {@code POST /api/orders} as a functional endpoint ({@link PlaceOrderHandler}): the request of a sale skips the
 * annotated-controller dispatch (handler-method lookup, argument resolution, method validation, return-value
 * handling and content negotiation). The other order endpoints stay on {@link OrderController}.
 */
@Configuration(proxyBeanMethods = false)
class OrderRoutes {

    /**
     * Router functions are asked before the actuator's endpoint mapping (order -100), which otherwise tests every
     * request against each endpoint's conditions first. The route matches {@code POST /api/orders} only, so no
     * actuator request is taken from the actuator.
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

    @Bean
    @RouterOperation(path = "/api/orders", method = RequestMethod.POST, beanClass = PlaceOrderHandler.class,
            beanMethod = "placeOrder",
            operation = @Operation(operationId = "placeOrder", tags = "orders",
                    summary = "Place an order (reserve stock, 202 with the payment link; 409 problem when refused); "
                            + "same Idempotency-Key, same answer",
                    parameters = {
                            @Parameter(name = PlaceOrderHandler.IDEMPOTENCY_KEY, in = ParameterIn.HEADER,
                                    required = true, description = "1 to 100 of [A-Za-z0-9_.:-]; same key, same answer",
                                    schema = @Schema(type = "string", minLength = 1, maxLength = 100,
                                            pattern = "[A-Za-z0-9_.:-]+")),
                            @Parameter(name = "Accept-Language", in = ParameterIn.HEADER,
                                    description = "language of the buyer's messages", schema = @Schema(type = "string")) },
                    requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true,
                            content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE,
                                    schema = @Schema(implementation = PlaceOrderRequest.class))),
                    responses = {
                            @ApiResponse(responseCode = "202", description = "accepted: pay before expiresAt",
                                    content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE,
                                            schema = @Schema(implementation = PlacedOrder.class))),
                            @ApiResponse(responseCode = "400", description = "validation (errors lists each field)",
                                    content = @Content(mediaType = MediaType.APPLICATION_PROBLEM_JSON_VALUE,
                                            schema = @Schema(implementation = ProblemDetail.class))),
                            @ApiResponse(responseCode = "404", description = "unknown SKU",
                                    content = @Content(mediaType = MediaType.APPLICATION_PROBLEM_JSON_VALUE,
                                            schema = @Schema(implementation = ProblemDetail.class))),
                            @ApiResponse(responseCode = "409",
                                    description = "sold-out, limit-exceeded, sale-not-open; or conflict (same key "
                                            + "still running, Retry-After)",
                                    content = @Content(mediaType = MediaType.APPLICATION_PROBLEM_JSON_VALUE,
                                            schema = @Schema(implementation = ProblemDetail.class))),
                            @ApiResponse(responseCode = "415", description = "not a JSON body",
                                    content = @Content(mediaType = MediaType.APPLICATION_PROBLEM_JSON_VALUE,
                                            schema = @Schema(implementation = ProblemDetail.class))),
                            @ApiResponse(responseCode = "422", description = "idempotency-mismatch: key reused with another body",
                                    content = @Content(mediaType = MediaType.APPLICATION_PROBLEM_JSON_VALUE,
                                            schema = @Schema(implementation = ProblemDetail.class))),
                            @ApiResponse(responseCode = "503", description = "unavailable, with Retry-After; nothing was kept",
                                    content = @Content(mediaType = MediaType.APPLICATION_PROBLEM_JSON_VALUE,
                                            schema = @Schema(implementation = ProblemDetail.class))) }))
    RouterFunction<ServerResponse> placeOrderRoute(PlaceOrderHandler handler) {
        // Another method on the same path is a 405 with Allow: POST (ProblemAdvice), not a 404 for a path that exists.
        return RouterFunctions.route(POST("/api/orders"), handler::placeOrder)
                .andRoute(path("/api/orders"), request -> Mono.error(
                        new MethodNotAllowedException(request.method(), Set.of(HttpMethod.POST))));
    }
}
