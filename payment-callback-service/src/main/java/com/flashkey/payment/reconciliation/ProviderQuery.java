package com.flashkey.payment.reconciliation;

import java.time.Instant;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.util.UriComponentsBuilder;

import com.flashkey.payment.config.PaymentProperties;
import com.flashkey.payment.notification.Money;
import com.flashkey.payment.notification.SimpaySignature;

import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The simpay payment query API: {@code GET {query-url}/{orderNo}}. Its answers are signed like webhooks
 * ({@code Payment-Signature}), so a forged answer cannot make us publish a payment.
 */
@Component
class ProviderQuery {

    private final WebClient web;
    private final PaymentProperties.Reconciliation config;
    private final SimpaySignature signature;
    private final JsonMapper json = JsonMapper.builder().build();

    ProviderQuery(PaymentProperties properties) {
        this.config = properties.reconciliation();
        this.signature = new SimpaySignature(properties.providers().simpay().secrets(),
                properties.providers().simpay().tolerance());
        this.web = WebClient.builder().build();
    }

    Mono<ProviderPayment> find(String orderNo) {
        var uri = UriComponentsBuilder.fromUri(config.queryUrl()).pathSegment(orderNo).build().toUri();
        return web.get().uri(uri)
                .exchangeToMono(response -> {
                    if (response.statusCode().value() == HttpStatus.NOT_FOUND.value()) {
                        return Mono.just(new ProviderPayment(orderNo, false, null, null, 0, null, null));
                    }
                    if (!response.statusCode().is2xxSuccessful()) {
                        return Mono.error(new IllegalStateException("provider query answered " + response.statusCode()));
                    }
                    String header = response.headers().asHttpHeaders().getFirst(SimpaySignature.HEADER);
                    return response.bodyToMono(byte[].class).map(body -> read(orderNo, body, header));
                })
                .timeout(config.timeout());
    }

    private ProviderPayment read(String orderNo, byte[] body, String header) {
        signature.verify(header, body, Instant.now());
        JsonNode root = json.readTree(body);
        if (!orderNo.equals(root.path("orderNo").asString()) || !"PAID".equals(root.path("status").asString())) {
            return new ProviderPayment(orderNo, false, null, null, 0, null, null);
        }
        String currency = root.path("currency").asString();
        return new ProviderPayment(orderNo, true, root.path("eventId").asString(),
                root.path("transactionId").asString(), Money.toMinor(root.path("amount").asString(), currency),
                currency, Instant.parse(root.path("paidAt").asString()));
    }
}
