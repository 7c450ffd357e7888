package com.flashkey.notification.sms;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeoutException;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientRequestException;
import org.springframework.web.reactive.function.client.WebClientResponseException;

import com.flashkey.notification.config.NotificationProperties;
import com.flashkey.notification.delivery.DeliveryFailure;

import reactor.core.publisher.Mono;

/**
 * An HTTP SMS provider: {@code POST {url}} with {@code Authorization: Bearer {token}} and JSON {@code {to, text}}.
 * 4xx answers are permanent (the provider refused this message); 5xx, connection failures and timeouts are transient.
 * Only created when {@code flashkey.notification.sms.enabled=true}.
 */
@Component
@ConditionalOnProperty(name = "flashkey.notification.sms.enabled", havingValue = "true")
class HttpSmsSender implements SmsSender {

    private final WebClient client;
    private final Duration timeout;

    HttpSmsSender(NotificationProperties properties) {
        NotificationProperties.Sms sms = properties.sms();
        if (sms.url() == null || sms.token() == null || sms.token().isBlank()) {
            throw new IllegalStateException("flashkey.notification.sms.url and .token are required when SMS is enabled");
        }
        this.client = WebClient.builder().baseUrl(sms.url().toString())
                .defaultHeader(HttpHeaders.AUTHORIZATION, "Bearer " + sms.token()).build();
        this.timeout = sms.timeout();
    }

    @Override
    public Mono<Void> send(String orderNo, String phone, String text) {
        return client.post()
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("to", phone, "text", text))
                .retrieve()
                .toBodilessEntity()
                .timeout(timeout)
                .then()
                .onErrorMap(failure -> classify(failure, orderNo));
    }

    private static Throwable classify(Throwable failure, String orderNo) {
        if (failure instanceof WebClientResponseException response) {
            int status = response.getStatusCode().value();
            return status >= 400 && status < 500 && status != 408 && status != 429
                    ? new DeliveryFailure.Permanent("sms-" + status, orderNo, null)
                    : new DeliveryFailure.Transient("sms-" + status, orderNo, null);
        }
        if (failure instanceof TimeoutException) {
            return new DeliveryFailure.Transient("sms-timeout", orderNo, null);
        }
        if (failure instanceof WebClientRequestException) {
            return new DeliveryFailure.Transient("sms-unavailable", orderNo, null);
        }
        return new DeliveryFailure.Transient("sms-error-" + failure.getClass().getSimpleName(), orderNo, null);
    }
}
