package com.flashkey.payment.notification.web;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RestController;

import com.flashkey.payment.config.PaymentProperties;
import com.flashkey.payment.notification.InvalidNotificationException;
import com.flashkey.payment.notification.PayloadTooLargeException;
import com.flashkey.payment.notification.UnavailableException;
import com.flashkey.payment.notification.UnknownProviderException;
import com.flashkey.payment.notification.Verdict;
import com.flashkey.payment.notification.WebhookReceiver;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import reactor.core.publisher.Mono;

/**
 * Payment provider webhooks other than simpay's POST (see {@link SimpayWebhook}). The body is read raw (the signature
 * covers the exact bytes) and refused beyond the configured size before anything parses it.
 */
@RestController
@RequestMapping("/webhooks/payments")
@Tag(name = "webhooks", description = "Payment provider notifications")
class WebhookController {

    private final WebhookReceiver receiver;
    private final PaymentProperties properties;

    WebhookController(WebhookReceiver receiver, PaymentProperties properties) {
        this.receiver = receiver;
        this.properties = properties;
    }

    @RequestMapping(path = "/epay", method = { RequestMethod.GET, RequestMethod.POST },
            produces = MediaType.TEXT_PLAIN_VALUE)
    @Operation(summary = "epay (易支付) notification: form or query parameters signed with MD5; answers success or fail")
    Mono<ResponseEntity<String>> epay(ServerHttpRequest request) {
        if (!receiver.enabled(WebhookReceiver.EPAY)) {
            return Mono.error(new UnknownProviderException(WebhookReceiver.EPAY));
        }
        String remote = remoteAddress(request);
        String rawQuery = request.getURI().getRawQuery();
        byte[] query = rawQuery == null ? new byte[0] : rawQuery.getBytes(StandardCharsets.US_ASCII);
        if (query.length > properties.maxBodySize().toBytes()) {
            receiver.refused(WebhookReceiver.EPAY, "TOO_LARGE", query.length, remote, "query too large");
            return Mono.just(epayAnswer(HttpStatus.CONTENT_TOO_LARGE, "fail"));
        }
        Mono<byte[]> raw = request.getMethod().matches("POST") ? body(request, WebhookReceiver.EPAY, remote)
                : Mono.just(query);
        return raw.flatMap(bytes -> {
                    Map<String, String> params = new LinkedHashMap<>(form(query));
                    if (bytes != query) {
                        params.putAll(form(bytes)); // a POSTed form wins over the query string
                    }
                    return receiver.receiveEpay(params, bytes, remote);
                })
                // epay reads only the body: anything but "success" makes it retry. Statuses say why for humans.
                .map(verdict -> verdict instanceof Verdict.Recorded ? epayAnswer(HttpStatus.OK, "success")
                        : epayAnswer(HttpStatus.BAD_REQUEST, "fail"))
                .onErrorResume(PayloadTooLargeException.class, ex -> Mono.just(epayAnswer(HttpStatus.CONTENT_TOO_LARGE, "fail")))
                // a form with malformed percent-encoding (WebhookController.form)
                .onErrorResume(InvalidNotificationException.class, ex -> Mono.just(epayAnswer(HttpStatus.BAD_REQUEST, "fail")))
                .onErrorResume(UnavailableException.class, ex -> Mono.just(ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                        .header(HttpHeaders.RETRY_AFTER, ProblemAdvice.retryAfterSeconds(properties))
                        .contentType(MediaType.TEXT_PLAIN).body("fail")));
    }

    @RequestMapping(path = "/{provider}")
    @Operation(summary = "any other provider: 404")
    Mono<Void> unknown(@PathVariable String provider, ServerHttpRequest request) {
        receiver.refused(provider, "UNKNOWN_PROVIDER", 0, remoteAddress(request), null);
        return Mono.error(new UnknownProviderException(provider));
    }

    @GetMapping(path = "/simpay")
    Mono<Void> simpayGet() {
        return Mono.error(new UnknownProviderException("simpay (GET)"));
    }

    private static ResponseEntity<String> epayAnswer(HttpStatus status, String body) {
        return ResponseEntity.status(status).contentType(MediaType.TEXT_PLAIN).body(body);
    }

    /** The raw body, at most max-body-size bytes: a larger declared length is refused before reading. */
    private Mono<byte[]> body(ServerHttpRequest request, String provider, String remote) {
        long limit = properties.maxBodySize().toBytes();
        long declared = request.getHeaders().getContentLength();
        if (declared > limit) {
            receiver.refused(provider, "TOO_LARGE", declared, remote, "declared length over limit");
            return Mono.error(new PayloadTooLargeException(properties.maxBodySize()));
        }
        return DataBufferUtils.join(request.getBody(), (int) limit)
                .map(buffer -> {
                    byte[] bytes = new byte[buffer.readableByteCount()];
                    buffer.read(bytes);
                    DataBufferUtils.release(buffer);
                    return bytes;
                })
                .defaultIfEmpty(new byte[0])
                .onErrorMap(DataBufferLimitException.class, ex -> {
                    receiver.refused(provider, "TOO_LARGE", limit + 1, remote, "streamed body over limit");
                    return new PayloadTooLargeException(properties.maxBodySize());
                });
    }

    /** application/x-www-form-urlencoded (and query strings) in UTF-8; a repeated name keeps its first value. */
    static Map<String, String> form(byte[] raw) {
        Map<String, String> params = new LinkedHashMap<>();
        if (raw.length == 0) {
            return params;
        }
        for (String pair : new String(raw, StandardCharsets.UTF_8).split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            params.putIfAbsent(name, value);
        }
        return params;
    }

    private static String decode(String value) {
        try {
            return URLDecoder.decode(value, StandardCharsets.UTF_8);
        }
        catch (IllegalArgumentException ex) {
            throw new InvalidNotificationException(java.util.List.of("form: malformed percent-encoding"));
        }
    }

    private static String remoteAddress(ServerHttpRequest request) {
        return SimpayWebhook.remoteAddress(request);
    }
}
