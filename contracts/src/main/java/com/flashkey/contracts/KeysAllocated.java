package com.flashkey.contracts;

import java.time.Instant;
import java.util.List;

/**
 * inventory-service allocated card keys to a paid order. The codes are sealed with the delivery key
 * ({@link DeliveryCodes}); plaintext never travels on Kafka.
 *
 * @param buyerPhone E.164 number for an "order ready" SMS (never the codes), or null (optional; absent from older
 *                   events)
 */
public record KeysAllocated(String orderNo, String sku, int quantity, String buyerEmail, String locale,
        List<SealedCode> codes, Instant allocatedAt, String buyerPhone) implements OrderEvent {

    public KeysAllocated {
        codes = List.copyOf(codes);
    }

    /** Keys for an order without a phone number. */
    public KeysAllocated(String orderNo, String sku, int quantity, String buyerEmail, String locale,
            List<SealedCode> codes, Instant allocatedAt) {
        this(orderNo, sku, quantity, buyerEmail, locale, codes, allocatedAt, null);
    }
}
