package com.flashkey.notification.delivery;

import java.time.Duration;
import java.util.UUID;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Service;

import com.flashkey.contracts.DeliveryResendRequested;
import com.flashkey.contracts.Event;
import com.flashkey.contracts.KeysAllocated;
import com.flashkey.notification.config.NotificationProperties;
import com.flashkey.notification.mail.EmailChannel;
import com.flashkey.notification.mail.KeysMail;
import com.flashkey.notification.sms.SmsMessages;
import com.flashkey.notification.sms.SmsSender;

import io.micrometer.core.instrument.MeterRegistry;
import reactor.core.publisher.Mono;

/**
 * Delivers card codes exactly once per order, channel and template (and per request for re-sends).
 * <p>
 * The sent-message log is claimed before sending and marked sent after. The window between the SMTP server's
 * acceptance and the "sent" mark is the one place a duplicate can come from: if the process dies there, the claim
 * stays SENDING; the unacknowledged record is delivered again, waits until the claim lease has run out, takes the
 * claim over and sends once more, and the row is marked {@code possible_duplicate}. So a crash costs at most one
 * extra mail, and that mail is on record.
 * <p>
 * order.delivered is published after the "sent" mark, then the row is marked published. The row is its own outbox:
 * a failed publish fails the record, whose retry finds the row sent-but-unpublished and publishes without sending;
 * {@code DeliveredEventRelay} sweeps rows left unpublished by anything else (a crash, a dead-lettered retry).
 * <p>
 * When the buyer gave a phone number and SMS is enabled, an "order ready" SMS (never the codes) follows the mail,
 * by the same at-most-once path under its own key (channel {@code sms}).
 */
@Service
public class DeliveryService {

    private static final Logger log = LoggerFactory.getLogger(DeliveryService.class);

    private final SentMessageLog sentMessages;
    private final EmailChannel email;
    private final SmsSender sms;
    private final SmsMessages smsMessages;
    private final DeliveryEvents events;
    private final Duration claimLease;
    private final MeterRegistry meters;

    DeliveryService(SentMessageLog sentMessages, EmailChannel email, ObjectProvider<SmsSender> sms,
            SmsMessages smsMessages, DeliveryEvents events, NotificationProperties properties, MeterRegistry meters) {
        this.sentMessages = sentMessages;
        this.email = email;
        this.sms = sms.getIfAvailable();
        this.smsMessages = smsMessages;
        this.events = events;
        this.claimLease = properties.claimLease();
        this.meters = meters;
    }

    /** First delivery of an order's codes (keys.allocated), then the "order ready" SMS if there is a number. */
    public Mono<DeliveryOutcome> deliverKeys(UUID eventId, KeysAllocated event) {
        MessageKey key = new MessageKey(event.orderNo(), EmailChannel.CHANNEL, MessageKey.KEYS, "");
        return deliverByEmail(key, eventId,
                new KeysMail(event.orderNo(), event.sku(), event.buyerEmail(), event.locale(), event.codes()))
                .flatMap(outcome -> notifyBySms(eventId, event).thenReturn(outcome));
    }

    /**
     * The SMS only says the order is ready. A number the provider refuses is recorded as failed and logged, not
     * retried: the codes went out by mail. A transient failure fails the record, whose retry skips the mail (sent)
     * and tries the SMS again.
     */
    private Mono<Void> notifyBySms(UUID eventId, KeysAllocated event) {
        if (sms == null || event.buyerPhone() == null || event.buyerPhone().isBlank()) {
            return Mono.empty();
        }
        MessageKey key = new MessageKey(event.orderNo(), SmsSender.CHANNEL, MessageKey.ORDER_READY, "");
        return deliver(key, eventId, () -> sms.send(event.orderNo(), event.buyerPhone(),
                smsMessages.orderReady(event.orderNo(), event.locale())))
                .then()
                .onErrorResume(DeliveryFailure.Permanent.class, refused -> {
                    log.warn("order {} SMS refused for good ({}); the mail was sent", event.orderNo(), refused.reason());
                    return Mono.empty();
                });
    }

    /** A buyer's re-send request (delivery.resend-requested): once per request id, by the same path. */
    public Mono<DeliveryOutcome> redeliverKeys(UUID eventId, DeliveryResendRequested event) {
        MessageKey key = new MessageKey(event.orderNo(), EmailChannel.CHANNEL, MessageKey.KEYS_RESEND, event.requestId());
        return deliverByEmail(key, eventId,
                new KeysMail(event.orderNo(), event.sku(), event.buyerEmail(), event.locale(), event.codes()));
    }

    /**
     * Whether what this event asks for is on record as sent; a dead letter of such an event (a duplicate that kept
     * finding the first delivery in flight, a publish that failed after sending) needs no alert.
     */
    public Mono<Boolean> alreadySent(Event event) {
        if (event instanceof KeysAllocated allocated) {
            return sentMessages.isSent(new MessageKey(allocated.orderNo(), EmailChannel.CHANNEL, MessageKey.KEYS, ""));
        }
        if (event instanceof DeliveryResendRequested resend) {
            return sentMessages.isSent(new MessageKey(resend.orderNo(), EmailChannel.CHANNEL, MessageKey.KEYS_RESEND,
                    resend.requestId()));
        }
        return Mono.just(false);
    }

    private Mono<DeliveryOutcome> deliverByEmail(MessageKey key, UUID eventId, KeysMail mail) {
        return deliver(key, eventId, () -> email.sendKeys(mail));
    }

    private Mono<DeliveryOutcome> deliver(MessageKey key, UUID eventId, Supplier<Mono<Void>> sending) {
        return sentMessages.claim(key, eventId, claimLease).flatMap(claim -> {
            if (claim instanceof Claim.Granted granted) {
                return send(key, granted, sending.get());
            }
            if (claim instanceof Claim.AlreadySent sent) {
                count(key, "duplicate-skipped");
                log.debug("order {} {} {} already sent; duplicate event {} skipped", key.orderNo(), key.channel(),
                        key.template(), eventId);
                return sent.deliveredPublished() ? Mono.just(DeliveryOutcome.ALREADY_SENT)
                        : publishDelivered(key).thenReturn(DeliveryOutcome.ALREADY_SENT);
            }
            // A fresh claim is held by another attempt (a duplicate event racing the first): retry later; by then
            // it is sent (skip), failed (claim it), or its holder died and the lease runs out (take it over).
            return Mono.error(new DeliveryFailure.Transient("in-flight", key.orderNo(), null));
        });
    }

    private Mono<DeliveryOutcome> send(MessageKey key, Claim.Granted claim, Mono<Void> sending) {
        return sending
                .onErrorResume(failure -> {
                    String reason = failure instanceof DeliveryFailure df ? df.reason() : failure.getClass().getSimpleName();
                    count(key, "failed");
                    return sentMessages.markFailed(key, reason).then(Mono.error(failure));
                })
                .then(sentMessages.markSent(key))
                .then(Mono.defer(() -> {
                    count(key, claim.possibleDuplicate() ? "sent-possible-duplicate" : "sent");
                    if (claim.possibleDuplicate()) {
                        log.warn("order {} {} {} sent again after an interrupted attempt (attempt {}); recorded as "
                                + "possible duplicate", key.orderNo(), key.channel(), key.template(), claim.attempt());
                    }
                    else {
                        log.info("order {} {} {} sent (attempt {})", key.orderNo(), key.channel(), key.template(),
                                claim.attempt());
                    }
                    return publishDelivered(key);
                }))
                .thenReturn(claim.possibleDuplicate() ? DeliveryOutcome.SENT_POSSIBLE_DUPLICATE : DeliveryOutcome.SENT);
    }

    Mono<Void> publishDelivered(MessageKey key) {
        return events.delivered(key.orderNo(), key.channel()).then(sentMessages.markDeliveredPublished(key));
    }

    private void count(MessageKey key, String outcome) {
        meters.counter("flashkey.notification.deliveries", "channel", key.channel(), "template", key.template(),
                "outcome", outcome).increment();
    }
}
