package com.flashkey.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

import com.flashkey.e2e.Sale.Outcomes;
import com.flashkey.e2e.Sale.Purchase;

/**
 * Sale-night failures, each with the "nothing lost" check at the end: every buyer ends with an order or a clean
 * 409/429, every accepted order is paid and DELIVERED with its own codes, mailed once, and the pool adds up with nothing
 * left reserved. Every drill puts the part back even when its checks fail, so the next drill starts whole.
 */
@Order(4)
@ExtendWith(E2eExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultsIT {

    /** A buyer keeps retrying through the outage for this long (a storefront's patience). */
    private static final Duration PATIENCE = Duration.ofSeconds(180);
    /**
     * Long enough for a reservation orphaned by a crash to expire and be released, should the orphan sweep not
     * release it first (it does within ~35 s; {@link #aReservationWhoseOrderNeverAppearsGivesItsUnitsBackWithinSeconds}).
     */
    private static final Duration SETTLE = E2eSuite.PAYMENT_TIMEOUT.plus(E2eSuite.PAYMENT_GRACE).plusSeconds(90);
    private static final int IN_FLIGHT = 12;

    @Test
    @Order(1)
    void orderServiceKilledMidSaleAndRestarted(Shop shop, E2eSuite suite) {
        saleThrough(shop, "order-service kill -9", 120, 3, 60,
                () -> suite.killAndRestart("order-service", Duration.ofSeconds(2)));
    }

    @Test
    @Order(2)
    void inventoryServiceKilledBetweenPaymentAndAllocation(Shop shop, E2eSuite suite) {
        Sale sale = new Sale(shop, 40, "15.00", 2);
        Outcomes outcomes = sale.run(40, 1, 8, PATIENCE, false, -1, null);
        outcomes.assertEveryAnswerClean();
        assertThat(outcomes.accepted()).hasSize(40);

        payWhileDown(shop, suite, sale, outcomes, "inventory-service", () -> {
            // Paid, but nothing can allocate: the orders wait as PAID (not DELIVERED, not lost).
            for (Purchase p : outcomes.paid().subList(0, 5)) {
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                String status;
                do {
                    Sale.sleep(Duration.ofSeconds(1));
                    status = shop.lookUp(p.buyer, p.orderNo).join().expect(200, "lookup").json().path("status").asString();
                }
                while ("PENDING_PAYMENT".equals(status) && System.nanoTime() < deadline);
                assertThat(status).as("order %s while inventory is down", p.orderNo).isEqualTo("PAID");
            }
        });
    }

    @Test
    @Order(3)
    void redisRestartedEmptyMidSaleRebuildsTheCountersWithoutOverselling(Shop shop, E2eSuite suite) {
        saleThrough(shop, "Redis restarted empty", 120, 2, 80,
                () -> suite.killAndRestart("redis", Duration.ofSeconds(1)));
    }

    @Test
    @Order(4)
    void kafkaBrokerDownForTwentySecondsMidSale(Shop shop, E2eSuite suite) {
        saleThrough(shop, "Kafka down 20 s", 100, 2, 60,
                () -> suite.killAndRestart("kafka", Duration.ofSeconds(20)));
    }

    @Test
    @Order(5)
    void smtpDownForThirtySecondsThenEveryBuyerGetsTheirMailOnce(Shop shop, E2eSuite suite) {
        Sale sale = new Sale(shop, 20, "4.00", 1);
        Outcomes outcomes = sale.run(20, 1, 4, PATIENCE, false, -1, null);
        assertThat(outcomes.accepted()).hasSize(20);
        payWhileDown(shop, suite, sale, outcomes, "greenmail", () -> {
            // The codes are on the order page at once: only the e-mail waits for the mail server.
            sale.awaitDelivered(outcomes.paid(), Duration.ofSeconds(60));
            Sale.sleep(Duration.ofSeconds(30));
        });
    }

    /**
     * Issue 15 item 10: order-service reserved and then died before publishing the order (here: the test reserves
     * straight at inventory and publishes nothing). The units are for sale again within seconds (inventory's
     * orphan-grace, 30 s, plus a sweep), not at the reservation's 15-minute deadline.
     */
    @Test
    @Order(6)
    void aReservationWhoseOrderNeverAppearsGivesItsUnitsBackWithinSeconds(Shop shop) {
        Sale sale = new Sale(shop, 5, "3.00", 3);
        String orderNo = "E2EORPHAN" + Long.toString(System.nanoTime(), 36).toUpperCase(java.util.Locale.ROOT);
        Shop.Reply reserved = shop.reserveDirectly(orderNo, sale.sku(), 3, 3).expect(200, "the orphan's reservation");
        assertThat(reserved.json().path("outcome").asString()).isEqualTo("RESERVED");
        assertThat(shop.inventory(sale.sku()).reserved()).isEqualTo(3);

        long started = System.nanoTime();
        Shop.Inventory settled = sale.awaitSettled(0, Duration.ofSeconds(75));
        assertThat(settled.available()).as("every unit for sale again").isEqualTo(5);
        System.out.printf("orphaned reservation released after %d s%n",
                Duration.ofNanos(System.nanoTime() - started).toSeconds());
    }

    /**
     * Pays every accepted order while {@code part} is down, runs {@code whileDown}, starts the part again; then the
     * "nothing lost" check.
     */
    private static void payWhileDown(Shop shop, E2eSuite suite, Sale sale, Outcomes outcomes, String part,
            Runnable whileDown) {
        suite.kill(part);
        try {
            for (Purchase p : outcomes.accepted()) {
                p.lastPayment = shop.webhook(Shop.paymentBody(Shop.unique("evt"), p.orderNo, p.amount, "CNY")).join();
                p.paid = p.lastPayment.status() == 200;
            }
            outcomes.assertEveryAcceptedOrderPaid();
            whileDown.run();
        }
        finally {
            suite.start(part);
        }
        sale.assertNothingLost(outcomes, SETTLE);
    }

    /**
     * 300 buyers (12 requests in flight) race for {@code keys}, each paying at once, with {@code fault} run after
     * {@code faultAfter} of them started; then the "nothing lost" check. A request in flight at a crash may have
     * reserved a unit and died before publishing its order: inventory's orphan sweep gives that unit back ~30 s later
     * (the check waits for it), so the sale may sell out short by at most one unit per request in flight.
     */
    private static void saleThrough(Shop shop, String name, int keys, int perBuyerLimit, int faultAfter, Runnable fault) {
        Sale sale = new Sale(shop, keys, "9.90", perBuyerLimit);
        Outcomes outcomes = sale.run(300, 1, IN_FLIGHT, PATIENCE, true, faultAfter, fault);
        System.out.printf("%s: outcomes %s, %d retried answers, %d paid%n", name, outcomes.byOutcome(),
                outcomes.retries(), outcomes.paid().size());
        outcomes.assertEveryAnswerClean();
        assertThat(outcomes.unitsPaid()).as("units sold through '%s'", name).isBetween(keys - IN_FLIGHT, keys);
        sale.assertNothingLost(outcomes, SETTLE);
    }
}
