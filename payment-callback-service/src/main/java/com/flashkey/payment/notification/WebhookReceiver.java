package com.flashkey.payment.notification;

import java.time.Clock;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.springframework.stereotype.Service;

import com.flashkey.payment.config.PaymentProperties;

import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One webhook attempt from end to end: verify the signature (before anything in the body is trusted), read the
 * notification, record it, and leave an audit entry and a metric whatever happens. No other service is called.
 */
@Service
public class WebhookReceiver {

    public static final String SIMPAY = "simpay";
    public static final String EPAY = "epay";
    static final String SIMPAY_PAYMENT_SUCCEEDED = "payment.succeeded";
    static final String EPAY_TRADE_SUCCESS = "TRADE_SUCCESS";

    private final PaymentNotifications notifications;
    private final WebhookAudit audit;
    private final WebhookMetrics metrics;
    private final PaymentProperties properties;
    private final SimpaySignature simpaySignature;
    private final EpaySignature epaySignature;
    private final JsonMapper json = JsonMapper.builder().build();
    private final Clock clock;

    WebhookReceiver(PaymentNotifications notifications, WebhookAudit audit, WebhookMetrics metrics,
            PaymentProperties properties, Clock clock) {
        this.notifications = notifications;
        this.audit = audit;
        this.metrics = metrics;
        this.properties = properties;
        this.clock = clock;
        var providers = properties.providers();
        this.simpaySignature = new SimpaySignature(providers.simpay().secrets(), providers.simpay().tolerance());
        this.epaySignature = new EpaySignature(providers.epay().key());
    }

    public boolean enabled(String provider) {
        return switch (provider) {
            case SIMPAY -> properties.providers().simpay().enabled();
            case EPAY -> properties.providers().epay().enabled();
            default -> false;
        };
    }

    /** A simpay delivery: raw JSON body and its {@code Payment-Signature} header. */
    public Mono<Receipt> receiveSimpay(byte[] body, String signatureHeader, String remoteAddress) {
        return Mono.defer(() -> {
            Instant now = clock.instant();
            Attempt attempt = new Attempt(SIMPAY, now, body, remoteAddress);
            PaymentNotification notification;
            try {
                metrics.timeSignature(() -> {
                    simpaySignature.verify(signatureHeader, body, now);
                    return null;
                });
                notification = readSimpay(body, now);
            }
            catch (RuntimeException ex) {
                return attempt.refused(ex);
            }
            return attempt.record(notification);
        });
    }

    /**
     * An epay delivery: its parameters (query string or form), already URL-decoded.
     *
     * @param raw the raw query string or form body, for the audit hash only
     */
    public Mono<Receipt> receiveEpay(Map<String, String> params, byte[] raw, String remoteAddress) {
        return Mono.defer(() -> {
            Instant now = clock.instant();
            Attempt attempt = new Attempt(EPAY, now, raw, remoteAddress);
            PaymentNotification notification;
            try {
                metrics.timeSignature(() -> {
                    epaySignature.verify(params);
                    return null;
                });
                notification = readEpay(params, now);
            }
            catch (RuntimeException ex) {
                return attempt.refused(ex);
            }
            return attempt.record(notification);
        });
    }

    /** Audits an attempt refused before it reached the provider's verification (too large, unknown provider). */
    public void refused(String provider, String outcome, long bodyBytes, String remoteAddress, String detail) {
        // The path is attacker-chosen: only known providers become metric tags.
        metrics.outcome(SIMPAY.equals(provider) || EPAY.equals(provider) ? provider : "unknown", outcome);
        audit.record(new WebhookAudit.Entry(provider, clock.instant(), outcome, null, null, null,
                (int) Math.min(bodyBytes, Integer.MAX_VALUE), remoteAddress, detail));
    }

    private PaymentNotification readSimpay(byte[] body, Instant now) {
        JsonNode root;
        try {
            root = json.readTree(body);
        }
        catch (JacksonException ex) {
            throw new InvalidNotificationException(List.of("body: not JSON"));
        }
        if (root == null || !root.isObject()) {
            throw new InvalidNotificationException(List.of("body: not a JSON object"));
        }
        String type = text(root, "type");
        if (!SIMPAY_PAYMENT_SUCCEEDED.equals(type)) {
            return null; // another event type: verified and audited, nothing to publish
        }
        List<String> errors = new ArrayList<>();
        String eventId = required(errors, "eventId", text(root, "eventId"), PaymentNotification.PROVIDER_ID);
        String orderNo = required(errors, "orderNo", text(root, "orderNo"), PaymentNotification.ORDER_NO);
        String transactionId = required(errors, "transactionId", text(root, "transactionId"),
                PaymentNotification.PROVIDER_ID);
        String currency = text(root, "currency");
        long amount = amount(errors, text(root, "amount"), currency);
        Instant paidAt = null;
        try {
            paidAt = Instant.parse(String.valueOf(text(root, "paidAt")));
        }
        catch (DateTimeException ex) {
            errors.add("paidAt: must be an ISO-8601 instant");
        }
        if (!errors.isEmpty()) {
            throw new InvalidNotificationException(errors);
        }
        return new PaymentNotification(SIMPAY, eventId, orderNo, amount, currency, transactionId, paidAt);
    }

    private PaymentNotification readEpay(Map<String, String> params, Instant now) {
        List<String> errors = new ArrayList<>();
        if (!properties.providers().epay().pid().equals(params.get("pid"))) {
            errors.add("pid: not this merchant");
        }
        if (!EPAY_TRADE_SUCCESS.equals(params.get("trade_status"))) {
            if (errors.isEmpty()) {
                return null; // a correctly signed non-payment status: acknowledge, publish nothing
            }
            throw new InvalidNotificationException(errors);
        }
        String tradeNo = required(errors, "trade_no", params.get("trade_no"), PaymentNotification.PROVIDER_ID);
        String orderNo = required(errors, "out_trade_no", params.get("out_trade_no"), PaymentNotification.ORDER_NO);
        String currency = properties.providers().epay().currency();
        long amount = amount(errors, params.get("money"), currency);
        if (!errors.isEmpty()) {
            throw new InvalidNotificationException(errors);
        }
        // epay sends no payment time; the first copy's arrival stands for it (the stored copy is what is published).
        return new PaymentNotification(EPAY, tradeNo, orderNo, amount, currency, tradeNo, now);
    }

    private static String text(JsonNode root, String field) {
        JsonNode node = root.get(field);
        return node == null || node.isNull() || !node.isValueNode() ? null : node.asString();
    }

    private static String required(List<String> errors, String field, String value, java.util.regex.Pattern format) {
        if (value == null || !format.matcher(value).matches()) {
            errors.add(field + ": missing or malformed");
            return null;
        }
        return value;
    }

    private static long amount(List<String> errors, String amount, String currency) {
        try {
            long minor = Money.toMinor(amount, currency);
            if (minor <= 0) {
                errors.add("amount: must be positive");
            }
            return minor;
        }
        catch (IllegalArgumentException | ArithmeticException ex) {
            errors.add("amount/currency: " + ex.getMessage());
            return 0;
        }
    }

    /** The audit and metric side of one attempt. */
    private final class Attempt {

        private final String provider;
        private final Instant receivedAt;
        private final byte[] body;
        private final String remoteAddress;

        Attempt(String provider, Instant receivedAt, byte[] body, String remoteAddress) {
            this.provider = provider;
            this.receivedAt = receivedAt;
            this.body = body;
            this.remoteAddress = remoteAddress;
        }

        Mono<Receipt> refused(RuntimeException ex) {
            String outcome;
            if (ex instanceof BadSignatureException bad) {
                outcome = "BAD_SIGNATURE";
                metrics.badSignature(provider, bad.failure());
            }
            else if (ex instanceof InvalidNotificationException) {
                outcome = "INVALID";
            }
            else {
                outcome = "ERROR";
            }
            done(outcome, null, ex.getMessage());
            return Mono.error(ex);
        }

        Mono<Receipt> record(PaymentNotification notification) {
            if (notification == null) {
                done(Receipt.Outcome.IGNORED.name(), null, "not a successful payment");
                return Mono.just(new Receipt(Receipt.Outcome.IGNORED, null));
            }
            return notifications.record(notification)
                    .doOnSuccess(receipt -> done(receipt.outcome().name(), notification, null))
                    .doOnError(ex -> done("UNAVAILABLE", notification, ex.getMessage()));
        }

        private void done(String outcome, PaymentNotification notification, String detail) {
            metrics.outcome(provider, outcome);
            audit.record(new WebhookAudit.Entry(provider, receivedAt, outcome,
                    notification == null ? null : notification.providerEventId(),
                    notification == null ? null : notification.orderNo(), WebhookAudit.sha256(body), body.length,
                    remoteAddress, detail));
        }
    }
}
