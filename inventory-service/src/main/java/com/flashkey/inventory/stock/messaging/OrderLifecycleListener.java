package com.flashkey.inventory.stock.messaging;

import java.time.Clock;
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
import com.flashkey.inventory.stock.ReservationRepository;
import com.flashkey.inventory.stock.ReservationService;

import reactor.core.publisher.Mono;

/**
 * order.placed records the reservation durably and marks its order as existing (the sweeper then leaves it to
 * order-service's expiry); order.expired and order.cancelled release it. All idempotent, acked after the DB write.
 */
@Component
class OrderLifecycleListener {

    /** An order.expired releases only a reservation whose deadline is not later than this past its expiry. */
    private static final Duration EXPIRY_SLACK = Duration.ofSeconds(60);

    private final InboundEvents inbound;
    private final ReservationRepository repository;
    private final ReservationService reservations;
    private final Clock clock;

    OrderLifecycleListener(InboundEvents inbound, ReservationRepository repository, ReservationService reservations,
            Clock clock) {
        this.inbound = inbound;
        this.repository = repository;
        this.reservations = reservations;
        this.clock = clock;
    }

    @KafkaListener(id = "inventory-order-placed", idIsGroup = false,
            topics = "#{@topicNames.of(T(com.flashkey.contracts.Topics).ORDER_PLACED)}")
    Mono<Void> onOrderPlaced(ConsumerRecord<String, byte[]> record) {
        return inbound.handle(record, OrderPlaced.class, envelope -> {
            OrderPlaced placed = envelope.data();
            // Attempt 0: this event does not know the attempt, so it never overrides what the reserve call wrote.
            return repository.upsert(List.of(new Reservation(placed.orderNo(), 0, placed.sku(), placed.quantity(),
                    BuyerEmail.normalise(placed.buyerEmail()), placed.expiresAt(), Reservation.RESERVED, true)),
                    clock.instant());
        });
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
