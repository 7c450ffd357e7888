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
    private static final Verdict IGNORED = new Verdict.Recorded(new Receipt(Receipt.Outcome.IGNORED, null));

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
        // epay is off unless configured; StartupCheck refuses epay enabled without a key.
        this.epaySignature = providers.epay().enabled() ? new EpaySignature(providers.epay().key()) : null;
    }

    public boolean enabled(String provider) {
        return switch (provider) {
            case SIMPAY -> properties.providers().simpay().enabled();
            case EPAY -> properties.providers().epay().enabled();
            default -> false;
        };
    }

    /**
     * A simpay delivery: raw JSON body and its {@code Payment-Signature} header. Emits the verdict once the attempt is
     * audited (and, for a payment, durably recorded); fails with {@link UnavailableException} when it cannot record.
     */
    public Mono<Verdict> receiveSimpay(byte[] body, String signatureHeader, String remoteAddress) {
        Instant now = clock.instant();
        Attempt attempt = new Attempt(SIMPAY, now, body, remoteAddress);
        try {
            long started = System.nanoTime();
            SignatureFailure failure = simpaySignature.check(signatureHeader, body, now);
            metrics.signatureChecked(System.nanoTime() - started);
            if (failure != null) {
                return Mono.just(attempt.badSignature(failure, simpaySignature.detail(failure)));
            }
            List<String> errors = new ArrayList<>(0);
            PaymentNotification notification = readSimpay(body, errors);
            return errors.isEmpty() ? attempt.record(notification) : Mono.just(attempt.invalid(errors));
        }
        catch (RuntimeException ex) {
            return attempt.failed(ex);
        }
    }

    /**
     * An epay delivery: its parameters (query string or form), already URL-decoded.
     *
     * @param raw the raw query string or form body, for the audit hash only
     */
    public Mono<Verdict> receiveEpay(Map<String, String> params, byte[] raw, String remoteAddress) {
        return Mono.defer(() -> {
            Instant now = clock.instant();
            Attempt attempt = new Attempt(EPAY, now, raw, remoteAddress);
            long started = System.nanoTime();
            try {
                epaySignature.verify(params);
            }
            catch (BadSignatureException ex) {
                return Mono.just(attempt.badSignature(ex.failure(), ex.getMessage()));
            }
            finally {
                metrics.signatureChecked(System.nanoTime() - started);
            }
            List<String> errors = new ArrayList<>(0);
            PaymentNotification notification = readEpay(params, now, errors);
            return errors.isEmpty() ? attempt.record(notification) : Mono.just(attempt.invalid(errors));
        });
    }

    /** Audits an attempt refused before it reached the provider's verification (too large, unknown provider). */
    public void refused(String provider, String outcome, long bodyBytes, String remoteAddress, String detail) {
        // The path is attacker-chosen: only known providers become metric tags.
        metrics.outcome(SIMPAY.equals(provider) || EPAY.equals(provider) ? provider : "unknown", outcome);
        audit.record(new WebhookAudit.Entry(provider, clock.instant(), outcome, null, null, null,
                (int) Math.min(bodyBytes, Integer.MAX_VALUE), remoteAddress, detail));
    }

    /** The payment in a verified simpay body; null for another event type; problems go to {@code errors}. */
    private PaymentNotification readSimpay(byte[] body, List<String> errors) {
        JsonNode root;
        try {
            root = json.readTree(body);
        }
        catch (JacksonException ex) {
            errors.add("body: not JSON");
            return null;
        }
        if (root == null || !root.isObject()) {
            errors.add("body: not a JSON object");
            return null;
        }
        String type = text(root, "type");
        if (!SIMPAY_PAYMENT_SUCCEEDED.equals(type)) {
            return null; // another event type: verified and audited, nothing to publish
        }
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
        return errors.isEmpty()
                ? new PaymentNotification(SIMPAY, eventId, orderNo, amount, currency, transactionId, paidAt) : null;
    }

    private PaymentNotification readEpay(Map<String, String> params, Instant now, List<String> errors) {
        if (!properties.providers().epay().pid().equals(params.get("pid"))) {
            errors.add("pid: not this merchant");
        }
        if (!EPAY_TRADE_SUCCESS.equals(params.get("trade_status"))) {
            return null; // a correctly signed non-payment status: acknowledge, publish nothing (unless errors)
        }
        String tradeNo = required(errors, "trade_no", params.get("trade_no"), PaymentNotification.PROVIDER_ID);
        String orderNo = required(errors, "out_trade_no", params.get("out_trade_no"), PaymentNotification.ORDER_NO);
        String currency = properties.providers().epay().currency();
        long amount = amount(errors, params.get("money"), currency);
        // epay sends no payment time; the first copy's arrival stands for it (the stored copy is what is published).
        return errors.isEmpty() ? new PaymentNotification(EPAY, tradeNo, orderNo, amount, currency, tradeNo, now) : null;
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

        Verdict badSignature(SignatureFailure failure, String detail) {
            metrics.badSignature(provider, failure);
            done("BAD_SIGNATURE", null, detail);
            return new Verdict.BadSignature(failure, detail);
        }

        Mono<Verdict> failed(RuntimeException ex) {
            done("ERROR", null, ex.getMessage());
            return Mono.error(ex);
        }

        Verdict invalid(List<String> errors) {
            done("INVALID", null, "invalid notification: " + String.join("; ", errors));
            return new Verdict.Invalid(errors);
        }

        Mono<Verdict> record(PaymentNotification notification) {
            if (notification == null) {
                done(Receipt.Outcome.IGNORED.name(), null, "not a successful payment");
                return Mono.just(IGNORED);
            }
            return notifications.record(notification)
                    .map(receipt -> {
                        done(receipt.outcome().name(), notification, null);
                        return (Verdict) new Verdict.Recorded(receipt);
                    })
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
