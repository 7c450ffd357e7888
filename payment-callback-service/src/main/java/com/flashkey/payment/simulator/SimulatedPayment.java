package com.flashkey.payment.simulator;

import java.time.Instant;

/** A payment the simulated provider took. */
public record SimulatedPayment(String orderNo, String eventId, String transactionId, long amountMinor, String currency,
        Instant paidAt) {
}
