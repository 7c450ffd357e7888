package com.flashkey.payment.reconciliation.messaging;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

import com.flashkey.contracts.EventCodec;
import com.flashkey.contracts.OrderPlaced;
import com.flashkey.payment.reconciliation.PendingOrder;
import com.flashkey.payment.reconciliation.PendingOrders;

import reactor.core.publisher.Mono;

/**
 * Remembers every placed order as pending, so reconciliation knows what to ask the provider about. Idempotent; the
 * record is acknowledged once the row is written (async return), poison records go to order.placed.DLT.
 */
@Component
class OrderPlacedListener {

    private final PendingOrders pending;
    private final EventCodec codec;

    OrderPlacedListener(PendingOrders pending, EventCodec codec) {
        this.pending = pending;
        this.codec = codec;
    }

    @KafkaListener(topics = "#{@topicNames.of(T(com.flashkey.contracts.Topics).ORDER_PLACED)}")
    Mono<Void> onOrderPlaced(ConsumerRecord<String, byte[]> record) {
        // defer: a poison record becomes an error signal (-> dead letter), not an exception before the Mono exists.
        return Mono.defer(() -> {
            OrderPlaced placed = codec.read(record.value(), OrderPlaced.class).data();
            return pending.remember(new PendingOrder(placed.orderNo(), placed.amountMinor(), placed.currency(),
                    placed.placedAt(), placed.expiresAt()));
        });
    }
}
