package com.flashkey.contracts;

import java.time.Instant;
import java.util.List;

/**
 * inventory-service allocated card keys to a paid order. The codes are sealed with the delivery key
 * ({@link DeliveryCodes}); plaintext never travels on Kafka.
 */
public record KeysAllocated(String orderNo, String sku, int quantity, String buyerEmail, String locale,
        List<SealedCode> codes, Instant allocatedAt) implements OrderEvent {

    public KeysAllocated {
        codes = List.copyOf(codes);
    }
}
