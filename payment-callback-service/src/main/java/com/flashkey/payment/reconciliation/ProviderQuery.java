package com.flashkey.payment.reconciliation;

import java.net.URI;
import java.time.Instant;
import java.util.concurrent.TimeoutException;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.util.UriComponentsBuilder;

import com.flashkey.payment.config.PaymentProperties;
import com.flashkey.payment.notification.BadSignatureException;
import com.flashkey.payment.notification.Money;
import com.flashkey.payment.notification.SimpaySignature;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The simpay payment query API: {@code GET {query-url}/{orderNo}}. Its answers are signed like webhooks
 * ({@code Payment-Signature}), so a forged answer cannot make us publish a payment.
 * <p>
 * The API answers every order it is asked about (PAID or UNPAID), so any other status, a 404 included, is an error
 * and never "unpaid": a 404 means the URL is wrong (the simulator's, say, where it does not run). Each failure counts
 * in {@code flashkey.payment.reconciliation.query.failures{reason}} and the order is asked again next pass.
 */
@Component
class ProviderQuery {

    private final WebClient web;
    private final PaymentProperties.Reconciliation config;
    private final SimpaySignature signature;
    private final JsonMapper json = JsonMapper.builder().build();
    private final MeterRegistry registry;

    @Autowired
    ProviderQuery(PaymentProperties properties, MeterRegistry registry) {
        this(properties.reconciliation(), new SimpaySignature(properties.providers().simpay().secrets(),
                properties.providers().simpay().tolerance()), registry);
    }

    ProviderQuery(PaymentProperties.Reconciliation config, SimpaySignature signature, MeterRegistry registry) {
        this.config = config;
        this.signature = signature;
        this.registry = registry;
        this.web = WebClient.builder().build();
    }

    Mono<ProviderPayment> find(String orderNo) {
        var uri = UriComponentsBuilder.fromUri(config.queryUrl()).pathSegment(orderNo).build().toUri();
        return web.get().uri(uri)
                .exchangeToMono(response -> {
                    if (!response.statusCode().is2xxSuccessful()) {
                        return response.releaseBody()
                                .then(Mono.error(new QueryFailedException(uri, response.statusCode().value())));
                    }
                    String header = response.headers().asHttpHeaders().getFirst(SimpaySignature.HEADER);
                    return response.bodyToMono(byte[].class).map(body -> read(orderNo, body, header));
                })
                .timeout(config.timeout())
                .doOnError(ex -> Counter.builder("flashkey.payment.reconciliation.query.failures")
                        .description("Provider payment queries that failed (the order is asked again next pass)")
                        .tag("reason", reason(ex)).register(registry).increment());
    }

    private static String reason(Throwable ex) {
        if (ex instanceof QueryFailedException failed) {
            return "http-" + failed.status;
        }
        if (ex instanceof TimeoutException) {
            return "timeout";
        }
        if (ex instanceof BadSignatureException) {
            return "bad-signature";
        }
        return "unreachable";
    }

    /** The query API answered something other than 2xx; the message names the URL, so a wrong one is plain. */
    static final class QueryFailedException extends IllegalStateException {

        final int status;

        QueryFailedException(URI uri, int status) {
            super("provider query GET " + uri + " answered " + status
                    + (status == 404 ? " (is flashkey.payment.reconciliation.query-url the provider's query API?)" : ""));
            this.status = status;
        }
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
