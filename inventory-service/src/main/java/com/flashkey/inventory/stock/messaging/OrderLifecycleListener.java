package com.flashkey.inventory.stock.messaging;

import java.time.Duration;
import java.util.List;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

import com.flashkey.contracts.OrderCancelled;
import com.flashkey.contracts.OrderExpired;
import com.flashkey.contracts.OrderPlaced;
import com.flashkey.inventory.events.InboundEvents;
import com.flashkey.inventory.stock.BuyerEmail;
import com.flashkey.inventory.stock.Reservation;
import com.flashkey.inventory.stock.ReservationJournal;
import com.flashkey.inventory.stock.ReservationService;

import reactor.core.publisher.Mono;

/**
 * order.placed records the reservation durably and marks its order as existing (the sweeper then leaves it to
 * order-service's expiry); order.expired and order.cancelled release it. All idempotent, acked after the DB write.
 * order.placed arrives at the sale's full accept rate, so it is consumed a poll at a time (batch container) and the
 * poll's rows go through the {@link ReservationJournal} together: one multi-row upsert and one offset commit per
 * poll instead of one commit each. A redelivered poll upserts the same rows again, which changes nothing.
 */
@Component
class OrderLifecycleListener {

    /** An order.expired releases only a reservation whose deadline is not later than this past its expiry. */
    private static final Duration EXPIRY_SLACK = Duration.ofSeconds(60);

    private final InboundEvents inbound;
    private final ReservationJournal journal;
    private final ReservationService reservations;

    OrderLifecycleListener(InboundEvents inbound, ReservationJournal journal, ReservationService reservations) {
        this.inbound = inbound;
        this.journal = journal;
        this.reservations = reservations;
    }

    @KafkaListener(id = "inventory-order-placed", idIsGroup = false, containerFactory = "batchListenerContainerFactory",
            topics = "#{@topicNames.of(T(com.flashkey.contracts.Topics).ORDER_PLACED)}")
    Mono<Void> onOrdersPlaced(List<ConsumerRecord<String, byte[]>> records) {
        // Acked only once the journal has written them (a failed write keeps them queued and the handler retries).
        return inbound.handleBatch(records, OrderPlaced.class, placed -> journal.recordAndFlush(
                placed.stream().map(envelope -> reservationOf(envelope.data())).toList()));
    }

    /** Attempt 0: this event does not know the attempt, so it never overrides what the reserve call wrote. */
    private static Reservation reservationOf(OrderPlaced placed) {
        return new Reservation(placed.orderNo(), 0, placed.sku(), placed.quantity(),
                BuyerEmail.normalise(placed.buyerEmail()), placed.expiresAt(), Reservation.RESERVED, true);
    }

    @KafkaListener(id = "inventory-order-expired", idIsGroup = false,
            topics = "#{@topicNames.of(T(com.flashkey.contracts.Topics).ORDER_EXPIRED)}")
    Mono<Void> onOrderExpired(ConsumerRecord<String, byte[]> record) {
        return inbound.handle(record, OrderExpired.class, envelope -> {
            OrderExpired expired = envelope.data();
            return reservations.release(expired.sku(), expired.orderNo(), expired.expiredAt().plus(EXPIRY_SLACK),
                    "expired");
        });
    }

    @KafkaListener(id = "inventory-order-cancelled", idIsGroup = false,
            topics = "#{@topicNames.of(T(com.flashkey.contracts.Topics).ORDER_CANCELLED)}")
    Mono<Void> onOrderCancelled(ConsumerRecord<String, byte[]> record) {
        return inbound.handle(record, OrderCancelled.class, envelope -> reservations.release(envelope.data().sku(),
                envelope.data().orderNo(), null, "cancelled"));
    }
}
