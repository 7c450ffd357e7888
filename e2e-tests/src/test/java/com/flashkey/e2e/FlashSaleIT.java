package com.flashkey.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.flashkey.e2e.Sale.Outcomes;

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
        // A reserve that timed out in order-service and landed after its release once held a unit until its deadline
        // and refused the buyer's retry as over the limit; the release now leaves a tombstone, so nobody is.
        assertThat(outcomes.purchases().stream().filter(p -> p.outcome().equals("409 limit-exceeded")).toList())
                .as("buyers refused over a limit of one they never reached").isEmpty();
        assertThat(outcomes.unitsPaid()).as("units sold, outcomes %s", outcomes.byOutcome()).isEqualTo(KEYS);
        assertThat(outcomes.accepted()).hasSize(KEYS);
        sale.assertNothingLost(outcomes, E2eSuite.PAYMENT_TIMEOUT.plus(E2eSuite.PAYMENT_GRACE).plusSeconds(90));
        assertThat(shop.inventory(sale.sku())).isEqualTo(new Shop.Inventory(KEYS, 0, 0, KEYS));
        assertThat(shop.stock(sale.sku()).json().path("status").asString()).isEqualTo("SOLD_OUT");
    }
}
