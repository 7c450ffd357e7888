package com.flashkey.order.support;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.netty.handler.codec.http.QueryStringDecoder;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Stand-ins for catalog-service and inventory-service in one small real HTTP server (Reactor Netty), honouring the
 * contracts of the brief exactly: catalog {@code GET /api/products/{sku}} (404 problem when unknown), inventory
 * {@code POST /internal/reservations} and {@code POST /internal/reservations:batch} (idempotent per orderNo and
 * attempt; checks window, limit, stock) and
 * {@code DELETE /internal/reservations/{orderNo}[?sku=]} (idempotent; with the SKU, a reserve of attempt 1 that
 * arrives after it reserves nothing, as inventory's tombstone does). State is in memory. inventory-service itself is
 * written concurrently by another engineer; these stand-ins let order-service be tested against the contract.
 */
public final class StandIns implements AutoCloseable {

    private final JsonMapper json = JsonMapper.builder().build();
    private final Map<String, Product> products = new ConcurrentHashMap<>();
    private final Map<String, Integer> stock = new ConcurrentHashMap<>();
    private final Map<String, Integer> bought = new ConcurrentHashMap<>();
    private final Map<String, Live> live = new ConcurrentHashMap<>();
    private final Map<String, String> answers = new ConcurrentHashMap<>();
    /** Reservations asked for, one per order whether alone or in a batch. */
    public final AtomicInteger reserveCalls = new AtomicInteger();
    /** HTTP requests that carried reservations (a batch counts once). */
    public final AtomicInteger reserveRequests = new AtomicInteger();
    /** The size of every batch received, in order. */
    public final List<Integer> batchSizes = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** Order numbers of the reservations in batches that were answered 503. */
    public final Set<String> failedBatchOrders = ConcurrentHashMap.newKeySet();
    /** Order numbers that were released. */
    public final Set<String> releasedOrders = ConcurrentHashMap.newKeySet();
    private volatile Duration batchDelay = Duration.ZERO;
    private volatile String failBatchesWithSku;
    public final AtomicInteger releaseCalls = new AtomicInteger();
    /** Reserve requests of a slow SKU that were processed (after their delay), whether anyone still listened. */
    public final AtomicInteger slowReservesProcessed = new AtomicInteger();
    private final Map<String, Duration> slowSkus = new ConcurrentHashMap<>();
    private final Map<String, Instant> deadlines = new ConcurrentHashMap<>();
    private final Set<String> tombstones = ConcurrentHashMap.newKeySet();
    private volatile boolean inventoryDown;
    private final DisposableServer server;

    public StandIns() {
        this(0);
    }

    public StandIns(int port) {
        this.server = HttpServer.create().host("127.0.0.1").port(port)
                .route(routes -> routes.get("/api/products/{sku}", this::product)
                        .post("/internal/reservations", this::reserve)
                        .post("/internal/reservations:batch", this::reserveBatch)
                        .delete("/internal/reservations/{orderNo}", this::release))
                .bindNow();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.port();
    }

    /** Adds (or replaces) a product on sale now with {@code units} in stock. */
    public void product(String sku, String price, int perBuyerLimit, int units) {
        product(sku, price, perBuyerLimit, units, Instant.now().minusSeconds(3600), Instant.now().plusSeconds(86_400));
    }

    public void product(String sku, String price, int perBuyerLimit, int units, Instant startsAt, Instant endsAt) {
        products.put(sku, new Product(sku, "Card " + sku, "test card", price, "CNY", startsAt, endsAt, perBuyerLimit,
                Instant.now().isBefore(startsAt) ? "NOT_STARTED" : Instant.now().isBefore(endsAt) ? "ON_SALE" : "ENDED"));
        stock.put(sku, units);
    }

    public int stock(String sku) {
        return stock.getOrDefault(sku, 0);
    }

    public void inventoryDown(boolean down) {
        this.inventoryDown = down;
    }

    /** Whether stock is held for the order now. */
    public boolean holds(String orderNo) {
        return live.containsKey(orderNo);
    }

    /** What inventory does on order.expired / order.cancelled: give the stock back. */
    public boolean releaseNow(String orderNo) {
        synchronized (this) {
            Live l = live.remove(orderNo);
            if (l == null) {
                return false;
            }
            stock.merge(l.sku(), l.quantity(), Integer::sum);
            bought.merge(l.sku() + "|" + l.buyer(), -l.quantity(), Integer::sum);
            return true;
        }
    }

    /**
     * Reserve requests for the SKU are processed only after {@code delay} (as if queued in an overloaded inventory),
     * even when the caller has given up meanwhile; {@link Duration#ZERO} ends it.
     */
    public void slowReserve(String sku, Duration delay) {
        if (delay.isZero()) {
            slowSkus.remove(sku);
        }
        else {
            slowSkus.put(sku, delay);
        }
    }

    /** The reservation deadline (request field {@code expiresAt}) of the order's last reserve request. */
    public Instant reservationDeadline(String orderNo) {
        return deadlines.get(orderNo);
    }

    public int attemptOf(String orderNo) {
        Live l = live.get(orderNo);
        return l == null ? 0 : l.attempt();
    }

    private Mono<Void> product(HttpServerRequest request, HttpServerResponse response) {
        Product p = products.get(request.param("sku"));
        if (p == null) {
            return send(response, 404, "application/problem+json",
                    Map.of("type", "https://flashkey.dev/problems/not-found", "status", 404));
        }
        return send(response, 200, "application/json", p);
    }

    /** Every batch is answered only after {@code delay} (so concurrent orders pile up behind it). */
    public void delayBatches(Duration delay) {
        this.batchDelay = delay;
    }

    /** Batches that carry a reservation of this SKU answer 503 (null ends it); other batches are served. */
    public void failBatchesWith(String sku) {
        this.failBatchesWithSku = sku;
    }

    /**
     * {@code POST /internal/reservations:batch}: each element decided as the single reserve does, answered in order,
     * an element's own failure ({@code conflict}, {@code validation}) as its {@code error}; 503 for the whole batch
     * when inventory is down.
     */
    private Mono<Void> reserveBatch(HttpServerRequest request, HttpServerResponse response) {
        return request.receive().aggregate().asString().flatMap(body -> {
            reserveRequests.incrementAndGet();
            JsonNode elements = json.readTree(body).path("reservations");
            reserveCalls.addAndGet(elements.size());
            batchSizes.add(elements.size());
            String failing = failBatchesWithSku;
            boolean fail = inventoryDown;
            Duration delay = batchDelay;
            for (JsonNode r : elements) {
                fail |= failing != null && failing.equals(r.path("sku").asString());
                Duration slow = slowSkus.get(r.path("sku").asString());
                if (slow != null && slow.compareTo(delay) > 0) {
                    delay = slow;
                }
            }
            if (fail) {
                for (JsonNode r : elements) {
                    failedBatchOrders.add(r.path("orderNo").asString());
                }
                response.header("Retry-After", "3");
                return send(response, 503, "application/problem+json",
                        Map.of("type", "https://flashkey.dev/problems/unavailable", "status", 503));
            }
            boolean slow = false;
            for (JsonNode r : elements) {
                slow |= slowSkus.containsKey(r.path("sku").asString());
            }
            // Processed after the delay whether or not the caller still waits: detached from this exchange.
            boolean countSlow = slow;
            Mono<String> answers = Mono.delay(delay).map(tick -> {
                List<Object> results = new java.util.ArrayList<>();
                for (JsonNode r : elements) {
                    results.add(decideElement(r));
                }
                if (countSlow) {
                    slowReservesProcessed.incrementAndGet();
                }
                return json.writeValueAsString(Map.of("results", results));
            }).cache();
            answers.subscribe();
            return answers.flatMap(answer -> sendRaw(response, 200, "application/json", answer));
        });
    }

    /** One element of a batch: the answer as a map, or its own error. */
    private Object decideElement(JsonNode r) {
        String orderNo = r.path("orderNo").asString();
        int attempt = r.path("attempt").asInt(1);
        int quantity = r.path("quantity").asInt();
        if (invalid(r, orderNo, attempt, quantity)) {
            return Map.of("orderNo", orderNo, "attempt", attempt, "error", "validation", "detail", "invalid");
        }
        deadlines.put(orderNo, Instant.parse(r.path("expiresAt").asString()));
        String answer = decideOnce(r, orderNo, attempt, quantity);
        if (answer == null) {
            return Map.of("orderNo", orderNo, "attempt", attempt, "error", "conflict",
                    "detail", "the order was released before this reservation arrived");
        }
        return json.readTree(answer);
    }

    private static boolean invalid(JsonNode r, String orderNo, int attempt, int quantity) {
        return orderNo.isEmpty() || attempt < 1 || quantity < 1 || quantity > 10 || r.path("perBuyerLimit").asInt() < 1
                || r.path("buyer").asString().isEmpty() || r.path("expiresAt").isMissingNode();
    }

    private Mono<Void> reserve(HttpServerRequest request, HttpServerResponse response) {
        return request.receive().aggregate().asString().flatMap(body -> {
            reserveCalls.incrementAndGet();
            reserveRequests.incrementAndGet();
            if (inventoryDown) {
                response.header("Retry-After", "3");
                return send(response, 503, "application/problem+json",
                        Map.of("type", "https://flashkey.dev/problems/unavailable", "status", 503));
            }
            JsonNode r = json.readTree(body);
            String orderNo = r.path("orderNo").asString();
            int attempt = r.path("attempt").asInt(1);
            int quantity = r.path("quantity").asInt();
            if (invalid(r, orderNo, attempt, quantity)) {
                return send(response, 400, "application/problem+json",
                        Map.of("type", "https://flashkey.dev/problems/validation", "status", 400));
            }
            deadlines.put(orderNo, Instant.parse(r.path("expiresAt").asString()));
            Duration delay = slowSkus.get(r.path("sku").asString());
            if (delay == null) {
                return answer(response, r, orderNo, attempt, quantity);
            }
            // Processed after the delay whether or not the caller still waits: detached from this exchange.
            Mono<String> late = Mono.delay(delay).map(tick -> {
                String answer = decideOnce(r, orderNo, attempt, quantity);
                slowReservesProcessed.incrementAndGet();
                return answer == null ? "" : answer;
            }).cache();
            late.subscribe();
            return late.flatMap(answer -> answer.isEmpty() ? conflict(response) : sendRaw(response, 200,
                    "application/json", answer));
        });
    }

    private Mono<Void> answer(HttpServerResponse response, JsonNode r, String orderNo, int attempt, int quantity) {
        String answer = decideOnce(r, orderNo, attempt, quantity);
        return answer == null ? conflict(response) : sendRaw(response, 200, "application/json", answer);
    }

    /** The first answer of (orderNo, attempt), or null when the order was released before its first attempt came. */
    private String decideOnce(JsonNode r, String orderNo, int attempt, int quantity) {
        if (attempt == 1 && tombstones.contains(orderNo)) {
            return null;
        }
        return answers.computeIfAbsent(orderNo + "#" + attempt, k -> decide(r, orderNo, attempt, quantity));
    }

    private Mono<Void> conflict(HttpServerResponse response) {
        return send(response, 409, "application/problem+json",
                Map.of("type", "https://flashkey.dev/problems/conflict", "status", 409));
    }

    private synchronized String decide(JsonNode r, String orderNo, int attempt, int quantity) {
        String sku = r.path("sku").asString();
        String buyer = r.path("buyer").asString();
        Instant now = Instant.now();
        Instant starts = r.path("saleStartsAt").isNull() ? null : Instant.parse(r.path("saleStartsAt").asString());
        Instant ends = r.path("saleEndsAt").isNull() ? null : Instant.parse(r.path("saleEndsAt").asString());
        String outcome;
        if ((starts != null && now.isBefore(starts)) || (ends != null && !now.isBefore(ends))) {
            outcome = "NOT_ON_SALE";
        }
        else if (bought.getOrDefault(sku + "|" + buyer, 0) + quantity > r.path("perBuyerLimit").asInt()) {
            outcome = "LIMIT_EXCEEDED";
        }
        else if (stock.getOrDefault(sku, 0) < quantity) {
            outcome = "SOLD_OUT";
        }
        else {
            stock.merge(sku, -quantity, Integer::sum);
            bought.merge(sku + "|" + buyer, quantity, Integer::sum);
            live.put(orderNo, new Live(sku, quantity, buyer, attempt));
            outcome = "RESERVED";
        }
        return json.writeValueAsString(Map.of("orderNo", orderNo, "attempt", attempt, "outcome", outcome,
                "available", stock.getOrDefault(sku, 0)));
    }

    private Mono<Void> release(HttpServerRequest request, HttpServerResponse response) {
        releaseCalls.incrementAndGet();
        String orderNo = request.param("orderNo");
        releasedOrders.add(orderNo);
        List<String> sku = new QueryStringDecoder(request.uri()).parameters().get("sku");
        boolean released = releaseNow(orderNo);
        if (!released && sku != null && !answers.containsKey(orderNo + "#1")) {
            // inventory leaves a tombstone only when the release names the SKU: by order number alone it cannot
            // find a reservation that has not arrived.
            tombstones.add(orderNo);
        }
        return send(response, 200, "application/json", Map.of("orderNo", orderNo, "released", released));
    }

    private Mono<Void> send(HttpServerResponse response, int status, String type, Object body) {
        return sendRaw(response, status, type, json.writeValueAsString(body));
    }

    private Mono<Void> sendRaw(HttpServerResponse response, int status, String type, String body) {
        return response.status(status).header("Content-Type", type).sendString(Mono.just(body)).then();
    }

    @Override
    public void close() {
        server.disposeNow();
    }

    record Product(String sku, String name, String description, String price, String currency, Instant saleStartsAt,
            Instant saleEndsAt, int perBuyerLimit, String status) {
    }

    record Live(String sku, int quantity, String buyer, int attempt) {
    }
}
