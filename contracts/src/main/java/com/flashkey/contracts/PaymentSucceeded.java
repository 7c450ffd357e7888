package com.flashkey.contracts;

import java.time.Instant;

/**
 * A payment provider reported a successful payment, verified and recorded by payment-callback-service.
 *
 * @param provider        provider name, e.g. {@code simpay} or {@code epay}
 * @param providerEventId the provider's id for this notification (de-duplication key)
 * @param amountMinor     amount paid in minor units; order-service refuses a mismatch
 */
public record PaymentSucceeded(String orderNo, String provider, String providerEventId, long amountMinor,
        String currency, String transactionId, Instant paidAt) implements OrderEvent {
}
