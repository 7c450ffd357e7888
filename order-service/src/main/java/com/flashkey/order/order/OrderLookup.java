package com.flashkey.order.order;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.List;
import java.util.UUID;

import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.stereotype.Service;

import com.flashkey.contracts.DeliveryCodes;
import com.flashkey.contracts.DeliveryResendRequested;
import com.flashkey.contracts.OrderPlaced;
import com.flashkey.contracts.Topics;

/**
 * The buyer's view of an order, for whoever proves the contact e-mail. An unknown order and a wrong e-mail both
 * read the shard (and the placed-order record) and compare digests in constant time, so they answer the same 404
 * after the same work.
 */
@Service
public class OrderLookup {

    private static final byte[] NO_ONE = digest("\u0000no-order\u0000");

    private final OrderStore store;
    private final PlacedOrders placedOrders;
    private final DeliveryCodes deliveryCodes;
    private final OrderEventPublisher events;
    private final Clock clock;

    OrderLookup(OrderStore store, PlacedOrders placedOrders, DeliveryCodes deliveryCodes, OrderEventPublisher events,
            Clock clock) {
        this.store = store;
        this.placedOrders = placedOrders;
        this.deliveryCodes = deliveryCodes;
        this.events = events;
        this.clock = clock;
    }

    /** The order with its codes opened (only once DELIVERED), or {@link OrderNotFoundException}. */
    public Mono<OrderView> lookUp(String orderNo, String email) {
        return find(orderNo, email).flatMap(order -> {
            if (order.status() != OrderStatus.DELIVERED || order.codes().isEmpty()) {
                return Mono.just(OrderView.of(order, List.of()));
            }
            // AES-GCM of a handful of codes is microseconds; larger orders would move this off the event loop.
            return Mono.fromCallable(() -> order.codes().stream()
                    .map(sealed -> deliveryCodes.open(order.orderNo().value(), sealed)).toList())
                    .subscribeOn(order.codes().size() > 16 ? Schedulers.boundedElastic() : Schedulers.immediate())
                    .map(codes -> OrderView.of(order, codes));
        });
    }

    /** Asks notification-service to deliver the codes again (delivery.resend-requested). */
    public Mono<ResendRequested> requestResend(String orderNo, String email) {
        return find(orderNo, email).flatMap(order -> {
            if (order.status() != OrderStatus.DELIVERED) {
                return Mono.error(new OrderNotDeliveredException(order.orderNo(), order.status()));
            }
            String requestId = UUID.randomUUID().toString();
            DeliveryResendRequested event = new DeliveryResendRequested(order.orderNo().value(), requestId,
                    order.sku(), order.buyerEmail(), order.locale(), order.codes(), clock.instant());
            return events.publish(Topics.DELIVERY_RESEND_REQUESTED, event)
                    .onErrorMap(ex -> new EventsUnavailableException(order.orderNo().value(), ex))
                    .thenReturn(new ResendRequested(order.orderNo().value(), requestId));
        });
    }

    /** The order if {@code email} is its contact address, else {@link OrderNotFoundException} (same work either way). */
    Mono<Order> find(String orderNo, String email) {
        byte[] claimed = digest(PlaceOrder.normalizeEmail(email == null ? "" : email));
        // The row and the placed-order record are both read every time (the row wins), so a known order and an
        // unknown one cost the same round trips.
        return OrderNo.parse(orderNo).map(no -> Mono.zip(optional(store.find(no)),
                optional(placedOrders.find(no).map(OrderLookup::pending)))
                .flatMap(t -> Mono.justOrEmpty(t.getT1().or(t::getT2))))
                .orElseGet(Mono::empty)
                .map(order -> new Candidate(order, digest(order.buyerEmail())))
                .defaultIfEmpty(new Candidate(null, NO_ONE))
                .flatMap(c -> MessageDigest.isEqual(c.digest(), claimed) && c.order() != null ? Mono.just(c.order())
                        : Mono.error(new OrderNotFoundException()));
    }

    private static <T> Mono<java.util.Optional<T>> optional(Mono<T> mono) {
        return mono.map(java.util.Optional::of).defaultIfEmpty(java.util.Optional.empty());
    }

    private static Order pending(OrderPlaced p) {
        return new Order(new OrderNo(p.orderNo()), p.sku(), p.quantity(), p.buyerEmail(), p.amountMinor(), p.currency(),
                p.locale(), OrderStatus.PENDING_PAYMENT, 0, 1, p.placedAt(), p.expiresAt(), null, null, List.of(), null,
                p.buyerPhone(), null, null);
    }

    private static byte[] digest(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        }
        catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException(ex);
        }
    }

    private record Candidate(Order order, byte[] digest) {
    }

    /** A resend was requested; notification-service delivers once per requestId. */
    public record ResendRequested(String orderNo, String requestId) {
    }
}
