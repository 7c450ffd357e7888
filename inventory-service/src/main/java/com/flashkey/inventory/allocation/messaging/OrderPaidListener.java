package com.flashkey.inventory.allocation.messaging;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

import com.flashkey.contracts.OrderPaid;
import com.flashkey.inventory.allocation.AllocationService;
import com.flashkey.inventory.events.InboundEvents;

import reactor.core.publisher.Mono;

/** order.paid -> allocate the order's keys. Acked when the allocation committed (or the record was dead-lettered). */
@Component
class OrderPaidListener {

    private final InboundEvents inbound;
    private final AllocationService allocation;

    OrderPaidListener(InboundEvents inbound, AllocationService allocation) {
        this.inbound = inbound;
        this.allocation = allocation;
    }

    @KafkaListener(id = "inventory-order-paid", idIsGroup = false, topics = "#{@topicNames.of(T(com.flashkey.contracts.Topics).ORDER_PAID)}")
    Mono<Void> onOrderPaid(ConsumerRecord<String, byte[]> record) {
        return inbound.handle(record, OrderPaid.class, envelope -> allocation.allocate(envelope.data()));
    }
}
