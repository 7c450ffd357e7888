package com.flashkey.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import com.flashkey.e2e.Shop.Buyer;
import com.flashkey.e2e.Shop.Reply;

import tools.jackson.databind.JsonNode;

/**
 * A flash sale as the storefront and the payment provider drive it, and the checks that nothing was lost.
 *
 * <p>Each buyer places one order with its own Idempotency-Key. An answer that says "try again" (503 with
 * Retry-After, a gateway timeout, or no answer at all while a process restarts) is retried with the same key, as a
 * storefront does: the key makes the retry safe. 202, 409 and 429 are final. A buyer whose order was accepted pays at
 * once; the provider retries its webhook until it is acknowledged, as real providers do.
 */
final class Sale {

    private static final Set<Integer> TRY_AGAIN = Set.of(0, 502, 503, 504);

    /**
     * "Try again" answers: 503 with Retry-After, a gateway timeout, nothing at all while a process restarts, and 409
     * "conflict" (the first request with this Idempotency-Key is still running, as the IETF Idempotency-Key draft
     * answers it).
     */
    static boolean tryAgain(Reply reply) {
        return TRY_AGAIN.contains(reply.status()) || reply.status() == 409 && "conflict".equals(reply.problem());
    }

    private final Shop shop;
    private final String sku;
    private final String price;
    private final String run;
    private final List<String> codes;
    private final java.util.concurrent.atomic.AtomicInteger buyersSoFar = new java.util.concurrent.atomic.AtomicInteger();

    /** Creates the product and imports {@code keys} fresh codes. */
    Sale(Shop shop, int keys, String price, int perBuyerLimit) {
        this.shop = shop;
        this.sku = Shop.unique("E2E");
        this.price = price;
        this.run = sku.toLowerCase();
        this.codes = IntStream.range(0, keys).mapToObj(i -> "KEY-" + sku + "-" + i + "-" + Long.toHexString(
                Double.doubleToLongBits(Math.random()))).toList();
        shop.createProduct(sku, price, perBuyerLimit);
        assertThat(shop.importKeys(sku, codes)).as("imported keys").isEqualTo(keys);
    }

    String sku() {
        return sku;
    }

    List<String> codes() {
        return codes;
    }

    /** One buyer's story. */
    static final class Purchase {

        final Buyer buyer;
        final String idempotencyKey;
        final int quantity;
        volatile Reply answer;
        volatile int orderAttempts;
        volatile int retriedStatuses;
        volatile String orderNo;
        volatile String amount;
        volatile boolean paid;
        volatile int payAttempts;
        volatile Reply lastPayment;
        final List<String> history = java.util.Collections.synchronizedList(new ArrayList<>());

        Purchase(Buyer buyer, int quantity) {
            this.buyer = buyer;
            this.idempotencyKey = "e2e-" + buyer.email().hashCode() + "-" + System.nanoTime();
            this.quantity = quantity;
        }

        boolean accepted() {
            return answer != null && answer.status() == 202;
        }

        /** "202", "409 sold-out", "429 rate-limited", "503 unavailable", ... */
        String outcome() {
            if (answer == null) {
                return "none";
            }
            String problem = answer.status() == 202 ? "" : answer.problem();
            return answer.status() + (problem.isEmpty() ? "" : " " + problem);
        }

        @Override
        public String toString() {
            return buyer.email() + " " + outcome() + (orderNo != null ? " " + orderNo : "") + (paid ? " paid" : "")
                    + " answers " + history;
        }
    }

    /** The buyers' outcomes; the retry budget bounds how long one buyer keeps trying through a fault. */
    record Outcomes(List<Purchase> purchases) {

        List<Purchase> accepted() {
            return purchases.stream().filter(Purchase::accepted).toList();
        }

        List<Purchase> paid() {
            return purchases.stream().filter(p -> p.paid).toList();
        }

        Map<String, Long> byOutcome() {
            return purchases.stream().collect(Collectors.groupingBy(Purchase::outcome, TreeMap::new, Collectors.counting()));
        }

        int unitsPaid() {
            return paid().stream().mapToInt(p -> p.quantity).sum();
        }

        long retries() {
            return purchases.stream().mapToLong(p -> p.retriedStatuses).sum();
        }

        /** Every buyer ended with an order, or a clean sold-out/limit/not-open 409 or a rate-limited 429. */
        void assertEveryAnswerClean() {
            List<Purchase> unclean = purchases.stream().filter(p -> !clean(p)).toList();
            assertThat(unclean).as("buyers whose final answer was not 202, a 409 sold-out/limit-exceeded/sale-not-open or"
                    + " a 429 rate-limited problem (outcomes: %s)", byOutcome()).isEmpty();
        }

        private static boolean clean(Purchase p) {
            Reply a = p.answer;
            if (a == null) {
                return false;
            }
            return switch (a.status()) {
                case 202 -> p.orderNo != null && p.orderNo.matches("[0-9A-Z]{24}");
                case 409 -> Set.of("sold-out", "limit-exceeded", "sale-not-open").contains(a.problem());
                case 429 -> "rate-limited".equals(a.problem()) && a.retryAfter() != null;
                default -> false;
            };
        }

        void assertEveryAcceptedOrderPaid() {
            assertThat(accepted().stream().filter(p -> !p.paid).map(p -> p + " last webhook answer " + p.lastPayment)
                    .toList()).as("accepted orders whose payment webhook was never acknowledged").isEmpty();
        }
    }

    /**
     * Runs {@code buyers} shoppers with at most {@code concurrency} requests in flight, each buying {@code quantity}.
     * {@code during} runs on another thread once {@code faultAfter} buyers have started (a fault mid-sale), or never.
     */
    Outcomes run(int buyers, int quantity, int concurrency, Duration retryBudget, boolean pay, int faultAfter,
            Runnable during) {
        // Buyers of a later run on the same sale are new people (own e-mail, own address).
        int first = buyersSoFar.getAndAdd(buyers);
        List<Purchase> purchases = IntStream.range(first, first + buyers)
                .mapToObj(i -> new Purchase(Buyer.next(run, i), quantity)).toList();
        Semaphore inFlight = new Semaphore(concurrency);
        List<CompletableFuture<Void>> all = new ArrayList<>();
        CompletableFuture<Void> fault = CompletableFuture.completedFuture(null);
        for (int i = 0; i < buyers; i++) {
            if (i == faultAfter && during != null) {
                fault = CompletableFuture.runAsync(during);
            }
            Purchase purchase = purchases.get(i);
            inFlight.acquireUninterruptibly();
            // Each buyer's own patience, from the moment it starts.
            long deadline = System.nanoTime() + retryBudget.toNanos();
            CompletableFuture<Void> story = order(purchase, deadline)
                    .thenCompose(ignored -> pay && purchase.accepted() ? pay(purchase, deadline)
                            : CompletableFuture.<Void>completedFuture(null))
                    .whenComplete((ignored, ex) -> inFlight.release());
            all.add(story);
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
        fault.join();
        return new Outcomes(purchases);
    }

    private CompletableFuture<Void> order(Purchase p, long deadline) {
        return retrying(() -> shop.placeOrder(p.buyer, p.idempotencyKey, sku, p.quantity), deadline, reply -> {
            p.orderAttempts++;
            p.history.add(reply.status() + (reply.status() >= 400 ? " " + reply.problem() : ""));
            if (tryAgain(reply)) {
                p.retriedStatuses++;
            }
        }).thenAccept(reply -> {
            p.answer = reply;
            if (reply.status() == 202) {
                JsonNode json = reply.json();
                p.orderNo = json.path("orderNo").asString();
                p.amount = json.path("amount").asString();
            }
        });
    }

    private CompletableFuture<Void> pay(Purchase p, long deadline) {
        String eventId = "evt-" + p.orderNo;
        // The same provider event on every retry (providers resend the same notification).
        String body = Shop.paymentBody(eventId, p.orderNo, p.amount, "CNY");
        return retrying(() -> shop.webhook(body), deadline, reply -> p.payAttempts++).thenAccept(reply -> {
            p.lastPayment = reply;
            p.paid = reply.status() == 200;
        });
    }

    /** Sends until the answer is not a "try again" one or the budget is spent; honours Retry-After (capped at 2 s). */
    static CompletableFuture<Reply> retrying(Supplier<CompletableFuture<Reply>> call, long deadline,
            java.util.function.Consumer<Reply> seen) {
        return call.get().thenCompose(reply -> {
            seen.accept(reply);
            if (!tryAgain(reply) || System.nanoTime() > deadline) {
                return CompletableFuture.completedFuture(reply);
            }
            long waitMs = 500;
            if (reply.retryAfter() != null && reply.retryAfter().matches("\\d+")) {
                waitMs = Math.min(2000, Math.max(200, Long.parseLong(reply.retryAfter()) * 1000));
            }
            Executor later = CompletableFuture.delayedExecutor(waitMs, TimeUnit.MILLISECONDS);
            return CompletableFuture.supplyAsync(() -> null, later).thenCompose(ignored -> retrying(call, deadline, seen));
        });
    }

    // ---------------------------------------------------------------------------------------------- checks

    /**
     * Waits until every paid order reads DELIVERED (through the gateway, with the buyer's e-mail) and answers the
     * codes each shows. Every accepted order must exist (no 404) all along, and no buyer is rate-limited (no 429).
     */
    Map<String, List<String>> awaitDelivered(Collection<Purchase> paid, Duration within) {
        Map<String, List<String>> delivered = new ConcurrentHashMap<>();
        Map<String, String> lastSeen = new ConcurrentHashMap<>();
        long deadline = System.nanoTime() + within.toNanos();
        List<Purchase> pending = new ArrayList<>(paid);
        while (!pending.isEmpty() && System.nanoTime() < deadline) {
            Semaphore inFlight = new Semaphore(32);
            List<CompletableFuture<Void>> reads = new ArrayList<>();
            for (Purchase p : pending) {
                inFlight.acquireUninterruptibly();
                reads.add(shop.lookUp(p.buyer, p.orderNo).thenAccept(reply -> {
                    assertThat(reply.status()).as("lookup of accepted order %s: %s", p.orderNo, reply)
                            .isNotEqualTo(404);
                    // One look per buyer every few seconds is what an order page does; the per-client limits
                    // (gateway and order-service) must not refuse it. A 429 here once meant every shopper shared
                    // one bucket because the services saw the gateway as the client.
                    assertThat(reply.status()).as("lookup of order %s by its own buyer: %s", p.orderNo, reply)
                            .isNotEqualTo(429);
                    if (reply.status() == 200) {
                        JsonNode json = reply.json();
                        String status = json.path("status").asString();
                        lastSeen.put(p.orderNo, status);
                        if ("DELIVERED".equals(status)) {
                            List<String> codes = new ArrayList<>();
                            json.path("codes").forEach(c -> codes.add(c.asString()));
                            delivered.put(p.orderNo, codes);
                        }
                    }
                    else {
                        lastSeen.put(p.orderNo, "HTTP " + reply);
                    }
                }).whenComplete((ignored, ex) -> inFlight.release()));
            }
            CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new)).join();
            pending.removeIf(p -> delivered.containsKey(p.orderNo));
            if (!pending.isEmpty()) {
                sleep(Duration.ofSeconds(3));
            }
        }
        assertThat(pending.stream().map(p -> p.orderNo + "=" + lastSeen.get(p.orderNo)).toList())
                .as("paid orders not DELIVERED within %s", within).isEmpty();
        return delivered;
    }

    /** Each paid order shows exactly its quantity of codes, every code is one we imported, none is shown twice. */
    void assertCodesDeliveredOnce(Collection<Purchase> paid, Map<String, List<String>> delivered) {
        Set<String> imported = new HashSet<>(codes);
        Map<String, String> owner = new HashMap<>();
        for (Purchase p : paid) {
            List<String> shown = delivered.get(p.orderNo);
            assertThat(shown).as("codes of %s", p.orderNo).hasSize(p.quantity);
            for (String code : shown) {
                assertThat(imported).as("code shown for %s was imported for %s", p.orderNo, sku).contains(code);
                String before = owner.putIfAbsent(code, p.orderNo);
                assertThat(before).as("code %s delivered to %s and %s", code, before, p.orderNo).isNull();
            }
        }
    }

    /** Every paid order's buyer received exactly one e-mail, and it holds exactly that order's codes. */
    void assertMailedOnce(Collection<Purchase> paid, Map<String, List<String>> delivered, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        Map<String, List<Shop.Mail>> boxes = new HashMap<>();
        List<Purchase> pending = new ArrayList<>(paid);
        while (!pending.isEmpty() && System.nanoTime() < deadline) {
            for (var it = pending.iterator(); it.hasNext();) {
                Purchase p = it.next();
                List<Shop.Mail> box = shop.mailbox(p.buyer.email());
                if (!box.isEmpty()) {
                    boxes.put(p.buyer.email(), box);
                    it.remove();
                }
            }
            if (!pending.isEmpty()) {
                sleep(Duration.ofSeconds(2));
            }
        }
        assertThat(pending.stream().map(p -> p.orderNo + " " + p.buyer.email()).toList())
                .as("paid orders whose buyer got no e-mail within %s", within).isEmpty();
        // A duplicate would arrive after the first: look again once the retries of a slow first send had their time.
        sleep(Duration.ofSeconds(2));
        for (Purchase p : paid) {
            List<Shop.Mail> box = shop.mailbox(p.buyer.email());
            assertThat(box).as("e-mails to %s for order %s", p.buyer.email(), p.orderNo).hasSize(1);
            Shop.Mail mail = box.get(0);
            assertThat(mail.subject() + "\n" + mail.text()).as("e-mail for %s", p.orderNo).contains(p.orderNo);
            for (String code : delivered.get(p.orderNo)) {
                assertThat(mail.text()).as("e-mail for %s holds its code", p.orderNo).contains(code);
            }
            Set<String> others = new HashSet<>(codes);
            others.removeAll(delivered.get(p.orderNo));
            assertThat(others.stream().filter(mail.text()::contains).toList())
                    .as("codes of other orders in the e-mail for %s", p.orderNo).isEmpty();
        }
    }

    /** The pool adds up, and eventually nothing is held for orders that will never be paid. */
    Shop.Inventory awaitSettled(int unitsSold, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        Shop.Inventory inventory = shop.inventory(sku);
        while (System.nanoTime() < deadline && !(inventory.sold() == unitsSold && inventory.reserved() == 0)) {
            assertThat(inventory.addsUp()).as("inventory adds up at every read: %s", inventory).isTrue();
            sleep(Duration.ofSeconds(2));
            inventory = shop.inventory(sku);
        }
        assertThat(inventory.addsUp()).as("inventory adds up: %s", inventory).isTrue();
        assertThat(inventory.imported()).as("imported").isEqualTo(codes.size());
        assertThat(inventory.sold()).as("sold = units of paid orders: %s", inventory).isEqualTo(unitsSold);
        assertThat(inventory.reserved()).as("nothing left reserved: %s", inventory).isZero();
        return inventory;
    }

    /** The whole "nothing lost" check of a sale where every accepted order was paid. */
    void assertNothingLost(Outcomes outcomes, Duration within) {
        outcomes.assertEveryAcceptedOrderPaid();
        List<Purchase> paid = outcomes.paid();
        Map<String, List<String>> delivered = awaitDelivered(paid, within);
        assertCodesDeliveredOnce(paid, delivered);
        assertMailedOnce(paid, delivered, within);
        awaitSettled(outcomes.unitsPaid(), within);
    }

    static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }
}
