package com.flashkey.notification.delivery;

import java.time.Duration;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

import com.flashkey.contracts.DeliveryResendRequested;
import com.flashkey.contracts.Event;
import com.flashkey.contracts.KeysAllocated;
import com.flashkey.notification.config.NotificationProperties;
import com.flashkey.notification.mail.EmailChannel;
import com.flashkey.notification.mail.KeysMail;

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
 */
@Service
public class DeliveryService {

    private static final Logger log = LoggerFactory.getLogger(DeliveryService.class);

    private final SentMessageLog sentMessages;
    private final EmailChannel email;
    private final DeliveryEvents events;
    private final Duration claimLease;
    private final MeterRegistry meters;

    DeliveryService(SentMessageLog sentMessages, EmailChannel email, DeliveryEvents events,
            NotificationProperties properties, MeterRegistry meters) {
        this.sentMessages = sentMessages;
        this.email = email;
        this.events = events;
        this.claimLease = properties.claimLease();
        this.meters = meters;
    }

    /** First delivery of an order's codes (keys.allocated). */
    public Mono<DeliveryOutcome> deliverKeys(UUID eventId, KeysAllocated event) {
        MessageKey key = new MessageKey(event.orderNo(), EmailChannel.CHANNEL, MessageKey.KEYS, "");
        return deliverByEmail(key, eventId,
                new KeysMail(event.orderNo(), event.sku(), event.buyerEmail(), event.locale(), event.codes()));
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
        return sentMessages.claim(key, eventId, claimLease).flatMap(claim -> {
            if (claim instanceof Claim.Granted granted) {
                return send(key, granted, mail);
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

    private Mono<DeliveryOutcome> send(MessageKey key, Claim.Granted claim, KeysMail mail) {
        return email.sendKeys(mail)
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
