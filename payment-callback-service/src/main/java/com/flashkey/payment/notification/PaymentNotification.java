package com.flashkey.payment.notification;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;
import java.util.regex.Pattern;

import com.flashkey.contracts.PaymentSucceeded;

/**
 * A provider's verified report that an order was paid.
 *
 * @param provider        {@code simpay} or {@code epay}
 * @param providerEventId the provider's id of this notification; the de-duplication key
 * @param amountMinor     amount paid in minor units
 */
public record PaymentNotification(String provider, String providerEventId, String orderNo, long amountMinor,
        String currency, String transactionId, Instant paidAt) {

    static final Pattern ORDER_NO = Pattern.compile("[A-Za-z0-9]{1,40}");
    static final Pattern PROVIDER_ID = Pattern.compile("[A-Za-z0-9_.:-]{1,64}");

    /** The payment.succeeded event this notification becomes. */
    public PaymentSucceeded toEvent() {
        return new PaymentSucceeded(orderNo, provider, providerEventId, amountMinor, currency, transactionId, paidAt);
    }

    /**
     * The envelope id of the payment.succeeded event: derived from the provider event id, so a republished copy
     * carries the same id and consumers de-duplicate it.
     */
    public UUID eventId() {
        return UUID.nameUUIDFromBytes(("payment.succeeded:" + provider + ":" + providerEventId)
                .getBytes(StandardCharsets.UTF_8));
    }
}
