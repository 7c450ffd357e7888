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
import com.flashkey.order.catalog.CatalogUnavailableException;
import com.flashkey.order.catalog.Product;
import com.flashkey.order.config.OrderProperties;
import com.flashkey.order.idempotency.IdempotencyStore;
import com.flashkey.order.inventory.InventoryClient;
import com.flashkey.order.inventory.InventoryUnavailableException;
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
    private final String paymentUrlPrefix;

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
        this.paymentUrlPrefix = UriComponentsBuilder.fromUri(properties.paymentPageUrl()).queryParam("orderNo", "")
                .build().toUriString();
    }

    /**
     * Places an order once per Idempotency-Key: a replay with the same body gets the first answer (202 or 409),
     * a different body gets {@link com.flashkey.order.idempotency.IdempotencyMismatchException}. A refusal decided
     * here (sale not open, over the limit, the local sold-out flag) is kept as the key's answer in one Redis round
     * trip; an order that goes to inventory claims the key first.
     */
    public Mono<PlacementAnswer> placeOrder(PlaceOrder command) {
        // The phone joins the fingerprint only when given, so keys of orders without one keep their fingerprint.
        String quantity = Integer.toString(command.quantity());
        String fingerprint = command.phone() == null
                ? IdempotencyStore.fingerprint(command.sku(), quantity, command.email())
                : IdempotencyStore.fingerprint(command.sku(), quantity, command.email(), command.phone());
        String key = command.idempotencyKey();
        return catalog.product(command.sku()).map(ProductLookup::found)
                .onErrorResume(ex -> Mono.just(new ProductLookup(null, ex)))
                // Built only if ever needed: an eager default would cost an exception per request.
                .switchIfEmpty(Mono.fromSupplier(() -> new ProductLookup(null, new CatalogUnavailableException(
                        command.sku(), new IllegalStateException("no product and no failure")))))
                .flatMap(lookup -> {
                    if (lookup.failure() != null) {
                        // Unknown SKU or catalog down: not an answer to keep. Through the claim as before, so a key
                        // that already has an answer replays it (or 422s); a new key is released again.
                        return idempotency.once(key, fingerprint, PlacementAnswer.class,
                                () -> Mono.error(lookup.failure()));
                    }
                    Product product = lookup.product();
                    Instant now = clock.instant();
                    PlacementAnswer refusal = localRefusal(command, product, now);
                    if (refusal != null) {
                        return idempotency.answerOnce(key, fingerprint, PlacementAnswer.class, refusal);
                    }
                    return idempotency.onceWith(key, fingerprint, PlacementAnswer.class,
                            () -> reserveAndPublish(command, product, now));
                });
    }

    /** A refusal that needs no inventory call, or null. */
    private PlacementAnswer localRefusal(PlaceOrder command, Product product, Instant now) {
        if (!product.onSaleAt(now)) {
            return PlacementAnswer.rejected(Refusal.SALE_NOT_OPEN, "the sale of " + product.sku() + " is not open");
        }
        if (command.quantity() > product.perBuyerLimit()) {
            return PlacementAnswer.rejected(Refusal.LIMIT_EXCEEDED,
                    "at most " + product.perBuyerLimit() + " of " + product.sku() + " per buyer");
        }
        if (soldOut.soldOut(product.sku())) {
            // inventory said a moment ago that nothing is left: refuse without asking it again.
            return soldOutAnswer(product);
        }
        return null;
    }

    private Mono<IdempotencyStore.Answered<PlacementAnswer>> reserveAndPublish(PlaceOrder command, Product product,
            Instant now) {
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
                // A reserve that timed out may still have reserved: release (idempotent) before giving up. One that
                // never left (breaker open) needs no release.
                .onErrorResume(ex -> ex instanceof InventoryUnavailableException unavailable
                        && !unavailable.mayHaveReserved() ? Mono.error(ex)
                                : releaseQuietly(orderNo, product.sku()).then(Mono.error(ex)))
                .doOnNext(reservation -> soldOut.noteAnswer(product.sku(), reservation))
                .flatMap(reservation -> reservation.reserved()
                        ? publish(placed).thenReturn(new IdempotencyStore.Answered<>(
                                PlacementAnswer.accepted(placed(placed)), rememberQuietly(placed)))
                        : Mono.just(new IdempotencyStore.Answered<>(rejection(reservation, product), null)));
    }

    private Mono<Void> publish(OrderPlaced placed) {
        return events.publish(Topics.ORDER_PLACED, placed)
                .onErrorResume(ex -> releaseQuietly(new OrderNo(placed.orderNo()), placed.sku())
                        .then(Mono.error(new EventsUnavailableException(placed.orderNo(), ex))));
    }

    /** Written with the Idempotency-Key's answer (one round trip); it only speeds up the first lookups. */
    private Mono<Void> rememberQuietly(OrderPlaced placed) {
        return placedOrders.remember(placed).onErrorResume(ex -> {
            log.warn("placed-order record of {} not written: {}", placed.orderNo(), ex.toString());
            return Mono.empty();
        });
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
        // Order numbers are [0-9A-Z]: nothing to encode, so the link is the prefix built once plus the number.
        String url = paymentUrlPrefix + placed.orderNo();
        return new PlacedOrder(placed.orderNo(), OrderStatus.PENDING_PAYMENT, placed.sku(), placed.quantity(),
                Money.toDecimal(placed.amountMinor(), placed.currency()), placed.currency(), placed.expiresAt(),
                new PlacedOrder.Payment(properties.paymentProvider(), url));
    }

    private static PlacementAnswer rejection(Reservation reservation, Product product) {
        return switch (reservation.outcome()) {
            case SOLD_OUT -> soldOutAnswer(product);
            case LIMIT_EXCEEDED -> PlacementAnswer.rejected(Refusal.LIMIT_EXCEEDED,
                    "at most " + product.perBuyerLimit() + " of " + product.sku() + " per buyer");
            case NOT_ON_SALE -> PlacementAnswer.rejected(Refusal.SALE_NOT_OPEN,
                    "the sale of " + product.sku() + " is not open");
            case RESERVED -> throw new IllegalStateException("reserved is not a rejection");
        };
    }

    private static PlacementAnswer soldOutAnswer(Product product) {
        return PlacementAnswer.rejected(Refusal.SOLD_OUT, product.sku() + " is sold out");
    }

    /** What the catalog lookup found: the product, or why there is none. */
    private record ProductLookup(Product product, Throwable failure) {

        static ProductLookup found(Product product) {
            return new ProductLookup(product, null);
        }
    }
}
