package com.flashkey.contracts;

import java.time.Instant;
import java.util.List;

/**
 * The buyer asked for the codes again; notification-service delivers them by the same path as
 * {@link KeysAllocated}, once per {@code requestId}.
 */
public record DeliveryResendRequested(String orderNo, String requestId, String sku, String buyerEmail,
        String locale, List<SealedCode> codes, Instant requestedAt) implements OrderEvent {

    public DeliveryResendRequested {
        codes = List.copyOf(codes);
    }
}
