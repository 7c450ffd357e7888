package com.flashkey.payment.notification.web;

import org.springdoc.core.annotations.RouterOperation;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.reactive.function.server.RequestPredicates;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

import io.swagger.v3.oas.annotations.Operation;

/** The functional route of the simpay webhook; the other webhook paths are {@link WebhookController}'s. */
@Configuration(proxyBeanMethods = false)
class WebhookRoutes {

    static final String SIMPAY_PATH = "/webhooks/payments/simpay";

    @Bean
    @RouterOperation(path = SIMPAY_PATH, method = RequestMethod.POST, produces = MediaType.APPLICATION_JSON_VALUE,
            beanClass = SimpayWebhook.class, beanMethod = "receive",
            operation = @Operation(operationId = "simpay", tags = "webhooks",
                    summary = "simpay notification, signed with Payment-Signature: t=<unix>,v1=<hex HMAC-SHA256>"))
    RouterFunction<ServerResponse> simpayWebhookRoute(SimpayWebhook webhook) {
        return RouterFunctions.route(RequestPredicates.POST(SIMPAY_PATH), webhook::receive);
    }
}
