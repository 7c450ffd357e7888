package com.flashkey.payment.simulator;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.annotation.Profile;
import org.springframework.context.event.EventListener;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.WebClient;

import com.flashkey.payment.config.PaymentProperties;
import com.flashkey.payment.notification.Money;
import com.flashkey.payment.notification.SimpaySignature;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;
import tools.jackson.databind.json.JsonMapper;

/**
 * A stand-in for the simpay provider: takes payments, signs and delivers webhooks like a real provider (retries
 * with exponential backoff and jitter on any non-2xx or timeout, optional deliberate duplicates), and answers the
 * signed payment query API that reconciliation uses. Its ledger lives in memory: it is a local tool.
 */
@Component
@Profile({ "local", "demo" })
public class SimulatedProvider {

    private final Map<String, SimulatedPayment> payments = new ConcurrentHashMap<>();
    private final PaymentProperties.Simulator config;
    private final String secret;
    private final WebClient web = WebClient.builder().build();
    private final JsonMapper json = JsonMapper.builder().build();
    private final Clock clock;
    private volatile String webhookUrl;

    SimulatedProvider(PaymentProperties properties, Clock clock) {
        this.config = properties.simulator();
        this.secret = properties.providers().simpay().secrets().get(0);
        this.clock = clock;
        this.webhookUrl = config.webhookUrl() == null || config.webhookUrl().isBlank() ? null : config.webhookUrl();
    }

    @EventListener
    void onWebServer(WebServerInitializedEvent event) {
        if (webhookUrl == null) {
            webhookUrl = "http://127.0.0.1:" + event.getWebServer().getPort() + "/webhooks/payments/simpay";
        }
    }

    /**
     * Pays an order (once: paying again re-delivers the same payment) and, when {@code notify}, delivers its webhook.
     *
     * @param duplicates extra copies delivered after the first, concurrently
     */
    public Mono<DeliveryReport> pay(String orderNo, long amountMinor, String currency, boolean notify, int duplicates) {
        SimulatedPayment payment = payments.computeIfAbsent(orderNo, no -> new SimulatedPayment(no,
                "evt_" + UUID.randomUUID().toString().replace("-", ""),
                "sim_" + UUID.randomUUID().toString().replace("-", "").substring(0, 20), amountMinor, currency,
                clock.instant()));
        String amount = Money.toDecimal(payment.amountMinor(), payment.currency());
        if (!notify) {
            return Mono.just(new DeliveryReport(orderNo, payment.eventId(), amount, payment.currency(), false, false,
                    0, 0, 0));
        }
        byte[] body = webhookBody(payment);
        AtomicInteger attempts = new AtomicInteger();
        AtomicInteger lastStatus = new AtomicInteger();
        return deliver(body, attempts, lastStatus).thenReturn(true).onErrorReturn(false)
                .flatMap(delivered -> Flux.range(0, duplicates)
                        .flatMap(i -> deliver(body, new AtomicInteger(), new AtomicInteger()).thenReturn(1)
                                .onErrorReturn(0))
                        .reduce(0, Integer::sum)
                        .map(answered -> new DeliveryReport(orderNo, payment.eventId(), amount, payment.currency(),
                                true, delivered, attempts.get(), lastStatus.get(), answered)));
    }

    public Optional<SimulatedPayment> find(String orderNo) {
        return Optional.ofNullable(payments.get(orderNo));
    }

    /** The signed query answer for an order: {@code {orderNo, status: PAID|UNPAID, ...}} and its signature header. */
    public SignedAnswer query(String orderNo) {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("orderNo", orderNo);
        SimulatedPayment payment = payments.get(orderNo);
        if (payment == null) {
            answer.put("status", "UNPAID");
        }
        else {
            answer.put("status", "PAID");
            answer.put("eventId", payment.eventId());
            answer.put("transactionId", payment.transactionId());
            answer.put("amount", Money.toDecimal(payment.amountMinor(), payment.currency()));
            answer.put("currency", payment.currency());
            answer.put("paidAt", payment.paidAt().toString());
        }
        byte[] body = json.writeValueAsBytes(answer);
        return new SignedAnswer(body, SimpaySignature.header(clock.instant().getEpochSecond(), body, secret));
    }

    /** A body and its {@code Payment-Signature} header. */
    public record SignedAnswer(byte[] body, String signature) {
    }

    private byte[] webhookBody(SimulatedPayment payment) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("eventId", payment.eventId());
        event.put("type", "payment.succeeded");
        event.put("orderNo", payment.orderNo());
        event.put("amount", Money.toDecimal(payment.amountMinor(), payment.currency()));
        event.put("currency", payment.currency());
        event.put("transactionId", payment.transactionId());
        event.put("paidAt", payment.paidAt().toString());
        return json.writeValueAsBytes(event);
    }

    /** One copy, retried like a provider: backoff with jitter on non-2xx or no answer, signed afresh each try. */
    private Mono<Integer> deliver(byte[] body, AtomicInteger attempts, AtomicInteger lastStatus) {
        return Mono.defer(() -> {
                    attempts.incrementAndGet();
                    String signature = SimpaySignature.header(Instant.now(clock).getEpochSecond(), body, secret);
                    return web.post().uri(webhookUrl).contentType(MediaType.APPLICATION_JSON)
                            .header(SimpaySignature.HEADER, signature).bodyValue(body)
                            .exchangeToMono(response -> {
                                lastStatus.set(response.statusCode().value());
                                return response.releaseBody().then(response.statusCode().is2xxSuccessful()
                                        ? Mono.just(response.statusCode().value())
                                        : Mono.error(new IllegalStateException("webhook answered " + response.statusCode())));
                            })
                            .timeout(config.timeout());
                })
                .retryWhen(Retry.backoff(config.maxAttempts() - 1L, config.firstBackoff())
                        .maxBackoff(config.maxBackoff()).jitter(0.5));
    }
}
