package com.flashkey.order.order;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import reactor.core.Exceptions;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

import org.springframework.stereotype.Service;

import com.flashkey.contracts.OrderCancelled;
import com.flashkey.contracts.Topics;

/**
 * A buyer cancels an unpaid order: PENDING_PAYMENT becomes CANCELLED with order.cancelled in the same transaction
 * (outbox), and inventory then releases the units and the buyer's per-buyer allowance. Cancelling again, or an
 * order that expired meanwhile, changes nothing and answers the order as it is; a paid order cannot be cancelled.
 */
@Service
public class OrderCancellation {

    /** The row of a just-placed order lands within moments (order.placed is ingested in batches). */
    private static final Retry UNTIL_STORED = Retry.backoff(8, Duration.ofMillis(50)).maxBackoff(Duration.ofMillis(500))
            .filter(ex -> ex instanceof OrderLifecycle.OrderNotStoredException || ex instanceof Raced);

    private final OrderLookup lookup;
    private final OrderStore store;
    private final OrderEventPublisher events;
    private final Clock clock;

    OrderCancellation(OrderLookup lookup, OrderStore store, OrderEventPublisher events, Clock clock) {
        this.lookup = lookup;
        this.store = store;
        this.events = events;
        this.clock = clock;
    }

    /** Cancels the buyer's order (proven by its contact e-mail) and answers it as it now reads. */
    public Mono<OrderView> cancel(String orderNo, String email) {
        return lookup.find(orderNo, email)
                .flatMap(claimed -> cancelStored(claimed.orderNo()))
                .then(Mono.defer(() -> lookup.lookUp(orderNo, email)));
    }

    private Mono<Void> cancelStored(OrderNo orderNo) {
        return Mono.defer(() -> store.find(orderNo))
                .switchIfEmpty(Mono.error(() -> new OrderLifecycle.OrderNotStoredException(orderNo)))
                .flatMap(order -> switch (order.status()) {
                    case CANCELLED, EXPIRED -> Mono.<Void>empty();
                    case PENDING_PAYMENT -> transition(order);
                    default -> Mono.<Void>error(new OrderNotCancellableException(orderNo, order.status()));
                })
                .retryWhen(UNTIL_STORED)
                .onErrorMap(Exceptions::isRetryExhausted, ex -> new OrderBusyException(orderNo, ex.getCause()));
    }

    private Mono<Void> transition(Order order) {
        Instant now = clock.instant();
        OrderCancelled event = new OrderCancelled(order.orderNo().value(), order.sku(), order.quantity(), "buyer", now);
        // A payment or the expiry may move the row first: then the next pass decides on what it became.
        return store.transition(order, order.status().cancel(), Map.of("closed_at", now),
                events.outboxEvent(Topics.ORDER_CANCELLED, event))
                .flatMap(moved -> moved ? Mono.<Void>empty() : Mono.<Void>error(new Raced()));
    }

    private static final class Raced extends RuntimeException {

        Raced() {
            super("order changed concurrently", null, false, false);
        }
    }
}
