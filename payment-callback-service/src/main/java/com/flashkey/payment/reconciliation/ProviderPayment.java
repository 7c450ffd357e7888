package com.flashkey.payment.reconciliation;

import java.time.Instant;

/**
 * The provider's answer about one order, from its query API.
 *
 * @param paid whether the provider holds a successful payment for the order; the other fields are null otherwise
 */
public record ProviderPayment(String orderNo, boolean paid, String eventId, String transactionId, long amountMinor,
        String currency, Instant paidAt) {
}
