package com.flashkey.order.order;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import org.springframework.stereotype.Service;

import com.flashkey.contracts.AllocationFailed;
import com.flashkey.contracts.KeysAllocated;
import com.flashkey.contracts.OrderExpired;
import com.flashkey.contracts.OrderPaid;
import com.flashkey.contracts.OrderRefundRequired;
import com.flashkey.contracts.PaymentSucceeded;
import com.flashkey.contracts.Topics;
import com.flashkey.order.catalog.CatalogClient;
import com.flashkey.order.config.OrderProperties;
import com.flashkey.order.inventory.InventoryClient;
import com.flashkey.order.inventory.Reservation;
import com.flashkey.order.inventory.ReservationRequest;
import com.flashkey.order.payment.UnmatchedPayments;

/**
 * What happens to an order after it was placed: payment, delivery, refund, expiry. Every change is one conditional
 * transition (see {@link OrderStore#transition}); a duplicate or out-of-order event finds the order elsewhere and
 * changes nothing. A lost race (version moved) is retried from a fresh read.
 */
@Service
public class OrderLifecycle {

    private static final Logger log = LoggerFactory.getLogger(OrderLifecycle.class);

    private final OrderStore store;
    private final OrderEventPublisher events;
    private final InventoryClient inventory;
    private final CatalogClient catalog;
    private final Clock clock;
    private final OrderProperties properties;
    private final PlacedOrders placedOrders;
    private final UnmatchedPayments unmatchedPayments;

    OrderLifecycle(OrderStore store, OrderEventPublisher events, InventoryClient inventory, CatalogClient catalog,
            Clock clock, OrderProperties properties, PlacedOrders placedOrders, UnmatchedPayments unmatchedPayments) {
        this.placedOrders = placedOrders;
        this.unmatchedPayments = unmatchedPayments;
        this.catalog = catalog;
        this.store = store;
        this.events = events;
        this.inventory = inventory;
        this.clock = clock;
        this.properties = properties;
    }

    /**
     * A payment arrived. Pays a pending order; a late payment re-reserves under a new attempt, or (nothing left)
     * requires a refund. A payment whose amount or currency does not match pays nothing: the order requires a refund
     * (see {@link #refuseMismatchedPayment}). A payment for an order number that is not one, or names a shard this
     * service does not have, is kept as unmatched at once; one for a well-formed number whose row is not there fails
     * with {@link OrderNotStoredException} so the caller waits for the row (its order.placed may still be in flight)
     * and then calls {@link #onPaymentForMissingOrder}.
     *
     * @return the outcome, for logs and tests
     */
    public Mono<Outcome> onPaymentSucceeded(PaymentSucceeded payment) {
        Optional<OrderNo> parsed = OrderNo.parse(payment.orderNo());
        if (parsed.isEmpty()) {
            return unmatched(payment, UnmatchedPayments.MALFORMED_ORDER_NO, "not an order number");
        }
        OrderNo orderNo = parsed.get();
        if (!store.hasShard(orderNo.shard())) {
            return unmatched(payment, UnmatchedPayments.UNKNOWN_SHARD,
                    "shard " + orderNo.shard() + " of " + store.shardCount());
        }
        return withOrder(orderNo, order -> {
            if (order.amountMinor() != payment.amountMinor() || !order.currency().equals(payment.currency())) {
                return refuseMismatchedPayment(order, payment);
            }
            return switch (order.status()) {
                case PENDING_PAYMENT -> pay(order, order.status().markPaid(), order.attempt(), payment);
                case EXPIRED, CANCELLED -> payLate(order, payment);
                case PAID, DELIVERED, REFUND_REQUIRED -> order.tookPayment(payment.provider(), payment.transactionId())
                        ? Mono.just(Outcome.UNCHANGED)
                        // Another payment for an order that took one already (or whose money goes back): this one
                        // must go back as well.
                        : unmatched(payment, UnmatchedPayments.ORDER_NOT_PAYABLE, "order " + order.orderNo() + " is "
                                + order.status() + " over " + order.paymentProvider() + " transaction "
                                + order.paymentTransactionId() + "; this payment is another");
            };
        });
    }

    /**
     * The wait for the row of a payment's order is over and the row is still not there: the payment is kept as
     * unmatched ({@code not-ingested} when Redis still holds the placed order, else {@code unknown-order}). A row
     * that landed at the last moment takes the payment as usual.
     */
    public Mono<Outcome> onPaymentForMissingOrder(PaymentSucceeded payment) {
        OrderNo orderNo = new OrderNo(payment.orderNo());
        String shard = "shard " + orderNo.shard();
        return store.find(orderNo).hasElement().flatMap(landed -> landed ? onPaymentSucceeded(payment)
                : placedOrders.find(orderNo).hasElement()
                        // Redis only tells which of the two it is: the payment is kept either way.
                        .onErrorResume(ex -> {
                            log.warn("placed-order copy of {} could not be read: {}", orderNo, ex.toString());
                            return Mono.just(false);
                        })
                        .flatMap(placed -> placed
                                ? unmatched(payment, UnmatchedPayments.NOT_INGESTED,
                                        "the order was placed but its row did not land in " + shard)
                                : unmatched(payment, UnmatchedPayments.UNKNOWN_ORDER, "no such order in " + shard)));
    }

    /**
     * The paid amount or currency is not the order's. An order that is open, expired or cancelled requires a refund
     * of what was paid (reason in {@code orders.flag} and on {@code order.refund-required}) and gives its stock
     * back; one that is already paid, delivered or refunded for another reason cannot take it, so the payment is
     * kept as unmatched. A second copy of the same payment changes nothing (it only repeats the release).
     */
    private Mono<Outcome> refuseMismatchedPayment(Order order, PaymentSucceeded payment) {
        // The provider event id comes first so it survives the flag column's 255 characters (duplicate check).
        String reason = "payment-mismatch (" + payment.provider() + " " + payment.providerEventId() + "): expected "
                + order.amountMinor() + " " + order.currency() + ", paid " + payment.amountMinor() + " "
                + payment.currency();
        String mark = "(" + payment.provider() + " " + payment.providerEventId() + ")";
        if (order.status() == OrderStatus.REFUND_REQUIRED && order.flag() != null && order.flag().contains(mark)) {
            return releaseStock(order).thenReturn(Outcome.UNCHANGED);
        }
        return switch (order.status()) {
            case PENDING_PAYMENT, EXPIRED, CANCELLED -> {
                log.warn("order {} received a payment that does not match; refund required, not paid", order.orderNo());
                Instant now = clock.instant();
                Map<String, Object> changes = new LinkedHashMap<>();
                changes.put("closed_at", now);
                changes.put("flag", reason.length() > 255 ? reason.substring(0, 255) : reason);
                changes.put("payment_provider", payment.provider());
                changes.put("payment_transaction_id", payment.transactionId());
                // What must go back is what was paid, not what the order asked for.
                OrderRefundRequired event = new OrderRefundRequired(order.orderNo().value(), order.sku(),
                        order.quantity(), payment.amountMinor(), payment.currency(), reason, now);
                Mono<Outcome> moved = move(order, order.status().refuseMismatchedPayment(), changes,
                        events.outboxEvent(Topics.ORDER_REFUND_REQUIRED, event));
                yield order.status().releasedStock() ? moved
                        : moved.flatMap(outcome -> releaseStock(order).thenReturn(outcome));
            }
            case PAID, DELIVERED, REFUND_REQUIRED -> unmatched(payment, UnmatchedPayments.AMOUNT_MISMATCH,
                    "order " + order.orderNo() + " is " + order.status() + "; " + reason);
        };
    }

    /**
     * Gives back what inventory holds for the order (idempotent; naming the SKU, so a reserve still on its way holds
     * nothing). A failure fails the event, which is retried: the retry finds the order moved and releases again.
     */
    private Mono<Void> releaseStock(Order order) {
        return inventory.release(order.orderNo().value(), order.sku()).then();
    }

    private Mono<Outcome> unmatched(PaymentSucceeded payment, String reason, String detail) {
        return unmatchedPayments.record(payment, reason, detail)
                .map(recorded -> recorded ? Outcome.UNMATCHED : Outcome.UNCHANGED);
    }

    /** inventory allocated the keys: store the sealed codes, DELIVERED. */
    public Mono<Outcome> onKeysAllocated(KeysAllocated allocated) {
        OrderNo orderNo = new OrderNo(allocated.orderNo());
        return withOrder(orderNo, order -> {
            if (order.status() != OrderStatus.PAID) {
                return Mono.just(Outcome.UNCHANGED);
            }
            Map<String, Object> changes = new LinkedHashMap<>();
            changes.put("codes", store.codesJson(allocated.codes()));
            changes.put("delivered_at", allocated.allocatedAt() != null ? allocated.allocatedAt() : clock.instant());
            // No event: notification-service reacts to keys.allocated itself and reports order.delivered.
            return move(order, order.status().markDelivered(), changes, null);
        });
    }

    /** inventory could not allocate a paid order: the money must go back. */
    public Mono<Outcome> onAllocationFailed(AllocationFailed failed) {
        OrderNo orderNo = new OrderNo(failed.orderNo());
        return withOrder(orderNo, order -> order.status() != OrderStatus.PAID ? Mono.just(Outcome.UNCHANGED)
                : refund(order, "allocation-failed: " + failed.reason(), null));
    }

    /**
     * Expires an unpaid order whose deadline and payment grace have passed (called by the expiry scheduler; a paid
     * order, or one still within its grace, is left alone).
     */
    public Mono<Outcome> expire(Order due) {
        Instant now = clock.instant();
        if (!due.dueForExpiry(now, properties.paymentGrace())) {
            return Mono.just(Outcome.UNCHANGED);
        }
        OrderExpired event = new OrderExpired(due.orderNo().value(), due.sku(), due.quantity(), now);
        return store.transition(due, due.status().expire(), Map.of("closed_at", now),
                events.outboxEvent(Topics.ORDER_EXPIRED, event))
                .map(moved -> moved ? Outcome.CHANGED : Outcome.UNCHANGED);
    }

    private Mono<Outcome> pay(Order order, OrderStatus next, int attempt, PaymentSucceeded payment) {
        Instant paidAt = payment.paidAt() != null ? payment.paidAt() : clock.instant();
        Map<String, Object> changes = new LinkedHashMap<>();
        changes.put("paid_at", paidAt);
        changes.put("attempt", attempt);
        changes.put("payment_provider", payment.provider());
        changes.put("payment_transaction_id", payment.transactionId());
        OrderPaid event = new OrderPaid(order.orderNo().value(), order.sku(), order.quantity(), order.buyerEmail(),
                order.locale(), payment.provider(), payment.transactionId(), paidAt, order.buyerPhone());
        return move(order, next, changes, events.outboxEvent(Topics.ORDER_PAID, event));
    }

    private Mono<Outcome> payLate(Order order, PaymentSucceeded payment) {
        int attempt = order.attempt() + 1;
        Instant now = clock.instant();
        // Replaying this request (same order, same attempt) returns inventory's first answer, so a retry after a
        // crash between reserve and the update below reserves nothing twice.
        return catalog.product(order.sku()).map(product -> new ReservationRequest(order.orderNo().value(), attempt,
                order.sku(), order.quantity(), order.buyerEmail(), Math.max(product.perBuyerLimit(), order.quantity()),
                product.saleStartsAt(), product.saleEndsAt(),
                now.plus(properties.paymentTimeout()).plus(properties.paymentGrace())))
                .flatMap(inventory::reserve)
                .flatMap(reservation -> reservation.reserved()
                ? pay(order, order.status().markPaidAfterReReservation(), attempt, payment)
                : refund(order, "paid-after-expiry: " + describe(reservation), payment));
    }

    /**
     * The money must go back. {@code payment} is the payment that arrived too late (null when the order was paid
     * before, whose payment columns stay): kept with the order, so its redelivery is known as the same payment.
     */
    private Mono<Outcome> refund(Order order, String reason, PaymentSucceeded payment) {
        Instant now = clock.instant();
        OrderRefundRequired event = new OrderRefundRequired(order.orderNo().value(), order.sku(), order.quantity(),
                order.amountMinor(), order.currency(), reason, now);
        Map<String, Object> changes = new LinkedHashMap<>();
        changes.put("closed_at", now);
        if (payment != null) {
            changes.put("payment_provider", payment.provider());
            changes.put("payment_transaction_id", payment.transactionId());
        }
        return move(order, order.status().requireRefund(), changes,
                events.outboxEvent(Topics.ORDER_REFUND_REQUIRED, event));
    }

    private Mono<Outcome> move(Order order, OrderStatus next, Map<String, Object> changes, OrderStore.OutboxEvent event) {
        return store.transition(order, next, changes, event)
                .flatMap(moved -> moved ? Mono.just(Outcome.CHANGED) : Mono.error(new ConcurrentChange(order)));
    }

    /**
     * Runs {@code action} on the current row; re-reads and runs again when another writer won the race. An order
     * not (yet) stored fails with {@link OrderNotStoredException}: its order.placed may still be in flight, so the
     * caller retries with backoff.
     */
    private Mono<Outcome> withOrder(OrderNo orderNo, java.util.function.Function<Order, Mono<Outcome>> action) {
        return Mono.defer(() -> store.find(orderNo))
                .switchIfEmpty(Mono.error(() -> new OrderNotStoredException(orderNo)))
                .flatMap(action)
                .retryWhen(reactor.util.retry.Retry.max(5).filter(ConcurrentChange.class::isInstance));
    }

    private static String describe(Reservation reservation) {
        return reservation.outcome().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    /** What an event did. */
    public enum Outcome {
        /** The order moved. */
        CHANGED,
        /** Nothing changed (a duplicate, or an event the order's state ignores). */
        UNCHANGED,
        /** The payment was kept as unmatched (first copy). */
        UNMATCHED
    }

    /** The order's row is not in its shard yet (or the number is unknown). */
    public static final class OrderNotStoredException extends RuntimeException {

        public OrderNotStoredException(OrderNo orderNo) {
            super("order " + orderNo + " is not stored (yet)");
        }
    }

    private static final class ConcurrentChange extends RuntimeException {

        ConcurrentChange(Order order) {
            super("order " + order.orderNo() + " changed concurrently", null, false, false);
        }
    }
}
