package com.flashkey.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.flashkey.e2e.Sale.Outcomes;
import com.flashkey.e2e.Sale.Purchase;
import com.flashkey.e2e.Shop.Reply;

import tools.jackson.databind.JsonNode;

/** One buyer, start to finish, as the storefront, the provider and the buyer's mailbox see it. */
@Order(1)
@ExtendWith(E2eExtension.class)
class HappyPathIT {

    @Test
    void aPaidOrderIsDeliveredByEmailAndOnTheOrderPageWithTheSameCodes(Shop shop) {
        Sale sale = new Sale(shop, 50, "12.50", 5);

        JsonNode stock = shop.stock(sale.sku()).expect(200, "stock").json();
        assertThat(stock.path("available").asInt()).isEqualTo(50);
        assertThat(stock.path("status").asString()).isEqualTo("ON_SALE");

        Outcomes outcomes = sale.run(1, 2, 1, Duration.ofSeconds(120), true, -1, null);
        outcomes.assertEveryAnswerClean();
        Purchase purchase = outcomes.purchases().get(0);
        assertThat(purchase.outcome()).isEqualTo("202");
        JsonNode placed = purchase.answer.json();
        assertThat(placed.path("amount").asString()).isEqualTo("25.00");
        assertThat(placed.path("currency").asString()).isEqualTo("CNY");
        assertThat(placed.path("payment").path("url").asString()).contains(purchase.orderNo);

        // The same Idempotency-Key answers the same order (a storefront retrying after a lost answer).
        Reply replay = shop.placeOrder(purchase.buyer, purchase.idempotencyKey, sale.sku(), 2).join();
        assertThat(replay.status()).isEqualTo(202);
        assertThat(replay.json().path("orderNo").asString()).isEqualTo(purchase.orderNo);

        Map<String, List<String>> delivered = sale.awaitDelivered(outcomes.paid(), Duration.ofSeconds(60));
        sale.assertCodesDeliveredOnce(outcomes.paid(), delivered);
        sale.assertMailedOnce(outcomes.paid(), delivered, Duration.ofSeconds(60));
        sale.awaitSettled(2, Duration.ofSeconds(30));

        JsonNode order = shop.lookUp(purchase.buyer, purchase.orderNo).join().expect(200, "lookup").json();
        assertThat(order.path("status").asString()).isEqualTo("DELIVERED");
        assertThat(order.path("paidAt").isNull()).isFalse();
        assertThat(order.path("deliveredAt").isNull()).isFalse();
        assertThat(shop.stock(sale.sku()).json().path("available").asInt()).isEqualTo(48);

        // Someone else's e-mail reads nothing: the same 404 as an order that does not exist.
        Reply wrongEmail = shop.lookUp(Shop.Buyer.next("intruder", 1), purchase.orderNo).join();
        Reply unknown = shop.lookUp(purchase.buyer, "0".repeat(24)).join();
        assertThat(wrongEmail.status()).as("%s", wrongEmail).isEqualTo(404);
        assertThat(wrongEmail.problem()).isEqualTo("not-found");
        assertThat(unknown.status()).as("%s", unknown).isEqualTo(404);
        assertThat(unknown.problem()).isEqualTo("not-found");
        assertThat(wrongEmail.body()).doesNotContain(sale.codes().get(0).substring(0, 10));
    }

    @Test
    void badInputGetsAProblemAnswerNeverAStackTrace(Shop shop) {
        Sale sale = new Sale(shop, 3, "1.00", 1);
        Shop.Buyer buyer = Shop.Buyer.next("bad-input-" + sale.sku().toLowerCase(), 7);

        Reply zero = shop.placeOrderPatiently(buyer, Shop.unique("k"), sale.sku(), 0);
        assertThat(zero.status()).as("%s", zero).isEqualTo(400);
        assertThat(zero.problem()).isEqualTo("validation");

        Reply noKey = shop.raw(shop.request("/api/orders", Duration.ofSeconds(10)).header("Content-Type", "application/json")
                .header("X-Forwarded-For", buyer.ip())
                .POST(HttpRequest.BodyPublishers.ofString("{\"sku\":\"" + sale.sku() + "\",\"quantity\":1,\"email\":\"a@b.test\"}")));
        assertThat(noKey.status()).as("%s", noKey).isEqualTo(400);
        assertThat(noKey.problem()).isNotEmpty();

        Reply broken = shop.raw(shop.request("/api/orders", Duration.ofSeconds(10)).header("Content-Type", "application/json")
                .header("Idempotency-Key", Shop.unique("k")).header("X-Forwarded-For", buyer.ip())
                .POST(HttpRequest.BodyPublishers.ofString("{\"sku\": ")));
        assertThat(broken.status()).as("%s", broken).isEqualTo(400);
        assertThat(broken.problem()).isNotEmpty();

        Reply overLimit = shop.placeOrderPatiently(buyer, Shop.unique("k"), sale.sku(), 2);
        assertThat(overLimit.status()).as("%s", overLimit).isEqualTo(409);
        assertThat(overLimit.problem()).isEqualTo("limit-exceeded");

        Reply unknownSku = shop.placeOrderPatiently(buyer, Shop.unique("k"), "NO-SUCH-" + sale.sku(), 1);
        assertThat(unknownSku.status()).as("%s", unknownSku).isBetween(400, 499);
        assertThat(unknownSku.problem()).isNotEmpty();

        Reply noAdmin = shop.raw(shop.request("/api/admin/products/" + sale.sku() + "/inventory", Duration.ofSeconds(10)).GET());
        assertThat(noAdmin.status()).as("%s", noAdmin).isEqualTo(401);

        for (Reply reply : List.of(zero, noKey, broken, overLimit, unknownSku)) {
            assertThat(reply.body()).doesNotContain("Exception").doesNotContain("\tat ");
        }
        // Nothing of that reserved anything.
        assertThat(shop.inventory(sale.sku())).isEqualTo(new Shop.Inventory(3, 3, 0, 0));
    }
}
