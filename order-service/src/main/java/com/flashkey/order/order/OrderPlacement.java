package com.flashkey.order.order;

import java.time.Clock;
import java.time.Instant;
import java.nio.charset.StandardCharsets;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import org.springframework.stereotype.Service;
import org.springframework.web.util.UriComponentsBuilder;

import com.flashkey.contracts.OrderPlaced;
import com.flashkey.contracts.Topics;
import com.flashkey.order.catalog.CatalogClient;
import com.flashkey.order.catalog.Product;
import com.flashkey.order.config.OrderProperties;
import com.flashkey.order.idempotency.IdempotencyStore;
import com.flashkey.order.inventory.InventoryClient;
import com.flashkey.order.inventory.Reservation;
import com.flashkey.order.inventory.ReservationRequest;
import com.flashkey.order.inventory.SoldOutFlags;

/**
 * Places orders: product and window from catalog, stock from inventory, then order.placed on Kafka. No database
 * is touched in the request path; the batch consumer writes the row. Either the event is on Kafka and the buyer
 * gets 202, or the reservation is released and the buyer gets an error: nothing half-done remains.
 */
@Service
public class OrderPlacement {

    private static final Logger log = LoggerFactory.getLogger(OrderPlacement.class);

    private final CatalogClient catalog;
    private final InventoryClient inventory;
    private final OrderEventPublisher events;
    private final PlacedOrders placedOrders;
    private final IdempotencyStore idempotency;
    private final SoldOutFlags soldOut;
    private final Clock clock;
    private final OrderProperties properties;
    private final int shards;

    OrderPlacement(CatalogClient catalog, InventoryClient inventory, OrderEventPublisher events,
            PlacedOrders placedOrders, IdempotencyStore idempotency, SoldOutFlags soldOut, Clock clock,
            OrderProperties properties) {
        this.catalog = catalog;
        this.inventory = inventory;
        this.events = events;
        this.placedOrders = placedOrders;
        this.idempotency = idempotency;
        this.soldOut = soldOut;
        this.clock = clock;
        this.properties = properties;
        this.shards = properties.shards().count();
    }

    /**
     * Places an order once per Idempotency-Key: a replay with the same body gets the first answer (202 or 409),
     * a different body gets {@link com.flashkey.order.idempotency.IdempotencyMismatchException}.
     */
    public Mono<PlacedOrder> placeOrder(PlaceOrder command) {
        // The phone joins the fingerprint only when given, so keys of orders without one keep their fingerprint.
        String quantity = Integer.toString(command.quantity());
        String fingerprint = command.phone() == null
                ? IdempotencyStore.fingerprint(command.sku(), quantity, command.email())
                : IdempotencyStore.fingerprint(command.sku(), quantity, command.email(), command.phone());
        return idempotency.once(command.idempotencyKey(), fingerprint, Answer.class, () -> place(command))
                .flatMap(Answer::toResult);
    }

    private Mono<Answer> place(PlaceOrder command) {
        return catalog.product(command.sku()).flatMap(product -> {
            Instant now = clock.instant();
            if (!product.onSaleAt(now)) {
                return Mono.just(Answer.rejected(OrderRejectedException.Reason.SALE_NOT_OPEN,
                        "the sale of " + product.sku() + " is not open"));
            }
            if (command.quantity() > product.perBuyerLimit()) {
                return Mono.just(Answer.rejected(OrderRejectedException.Reason.LIMIT_EXCEEDED,
                        "at most " + product.perBuyerLimit() + " of " + product.sku() + " per buyer"));
            }
            if (soldOut.soldOut(product.sku())) {
                // inventory said a moment ago that nothing is left: refuse without asking it again.
                return Mono.just(soldOutAnswer(product));
            }
            return reserveAndPublish(command, product, now);
        });
    }

    private Mono<Answer> reserveAndPublish(PlaceOrder command, Product product, Instant now) {
        OrderNo orderNo = OrderNo.generate(now, shardOf(command.email()));
        Instant expiresAt = now.plus(properties.paymentTimeout());
        long amountMinor = Money.toMinor(product.price(), product.currency()) * command.quantity();
        // inventory holds the stock until the order may expire here (deadline + grace), never less.
        ReservationRequest request = new ReservationRequest(orderNo.value(), 1, product.sku(), command.quantity(),
                command.email(), product.perBuyerLimit(), product.saleStartsAt(), product.saleEndsAt(),
                expiresAt.plus(properties.paymentGrace()));
        OrderPlaced placed = new OrderPlaced(orderNo.value(), product.sku(), command.quantity(), command.email(),
                amountMinor, product.currency(), command.locale(), command.idempotencyKey(), now, expiresAt,
                command.phone());
        return inventory.reserve(request)
                // A reserve that timed out may still have reserved: release (idempotent) before giving up.
                .onErrorResume(ex -> releaseQuietly(orderNo, product.sku()).then(Mono.error(ex)))
                .doOnNext(reservation -> soldOut.noteAnswer(product.sku(), reservation))
                .flatMap(reservation -> reservation.reserved()
                        ? publish(placed).thenReturn(Answer.accepted(placed(placed)))
                        : Mono.just(rejection(reservation, product)));
    }

    private Mono<Void> publish(OrderPlaced placed) {
        return events.publish(Topics.ORDER_PLACED, placed)
                .onErrorResume(ex -> releaseQuietly(new OrderNo(placed.orderNo()), placed.sku())
                        .then(Mono.error(new EventsUnavailableException(placed.orderNo(), ex))))
                // The Redis copy only speeds up the first lookups; the order is accepted without it.
                .then(placedOrders.remember(placed).onErrorResume(ex -> {
                    log.warn("placed-order record of {} not written: {}", placed.orderNo(), ex.toString());
                    return Mono.empty();
                }));
    }

    private Mono<Void> releaseQuietly(OrderNo orderNo, String sku) {
        // Units may come back: the next buyer of the SKU asks inventory again.
        soldOut.clear(sku);
        return inventory.release(orderNo.value(), sku).then().onErrorResume(ex -> {
            // inventory's own reservation deadline frees the stock later; nothing else can be done now.
            log.error("release of {} failed; stock stays held until its deadline: {}", orderNo, ex.toString());
            return Mono.empty();
        });
    }

    /** The shard of a buyer's orders: a stable hash of the e-mail, so one buyer's history sits on one shard. */
    int shardOf(String email) {
        return Math.floorMod(java.util.Arrays.hashCode(email.getBytes(StandardCharsets.UTF_8)) * 0x9E3779B1, shards);
    }

    private PlacedOrder placed(OrderPlaced placed) {
        String url = UriComponentsBuilder.fromUri(properties.paymentPageUrl()).queryParam("orderNo", placed.orderNo())
                .build().toUriString();
        return new PlacedOrder(placed.orderNo(), OrderStatus.PENDING_PAYMENT, placed.sku(), placed.quantity(),
                Money.toDecimal(placed.amountMinor(), placed.currency()), placed.currency(), placed.expiresAt(),
                new PlacedOrder.Payment(properties.paymentProvider(), url));
    }

    private static Answer rejection(Reservation reservation, Product product) {
        return switch (reservation.outcome()) {
            case SOLD_OUT -> soldOutAnswer(product);
            case LIMIT_EXCEEDED -> Answer.rejected(OrderRejectedException.Reason.LIMIT_EXCEEDED,
                    "at most " + product.perBuyerLimit() + " of " + product.sku() + " per buyer");
            case NOT_ON_SALE -> Answer.rejected(OrderRejectedException.Reason.SALE_NOT_OPEN,
                    "the sale of " + product.sku() + " is not open");
            case RESERVED -> throw new IllegalStateException("reserved is not a rejection");
        };
    }

    private static Answer soldOutAnswer(Product product) {
        return Answer.rejected(OrderRejectedException.Reason.SOLD_OUT, product.sku() + " is sold out");
    }

    /**
     * What an Idempotency-Key replays: either the accepted order or the refusal.
     */
    record Answer(PlacedOrder accepted, OrderRejectedException.Reason rejection, String detail) {

        static Answer accepted(PlacedOrder order) {
            return new Answer(order, null, null);
        }

        static Answer rejected(OrderRejectedException.Reason reason, String detail) {
            return new Answer(null, reason, detail);
        }

        Mono<PlacedOrder> toResult() {
            return accepted != null ? Mono.just(accepted) : Mono.error(new OrderRejectedException(rejection, detail));
        }
    }
}
