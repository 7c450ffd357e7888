package com.flashkey.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.flashkey.e2e.Sale.Outcomes;
import com.flashkey.e2e.Sale.Purchase;
import com.flashkey.e2e.Shop.Reply;

/**
 * What payment providers really send (duplicates, forgeries, wrong amounts, money after the deadline), and a buyer
 * who cancels before paying.
 */
@Order(2)
@ExtendWith(E2eExtension.class)
class PaymentEdgeCasesIT {

    @Test
    void aHundredCopiesOfOneWebhookDeliverOnce(Shop shop) {
        Sale sale = new Sale(shop, 10, "30.00", 3);
        Purchase p = placeUnpaid(sale, 3);
        String transaction = Shop.unique("tx");
        String body = Shop.paymentBody(Shop.unique("evt"), p.orderNo, p.amount, "CNY", transaction);

        List<CompletableFuture<Reply>> copies = IntStream.range(0, 100).mapToObj(i -> shop.webhook(body)).toList();
        // The provider also re-notifies the same payment under a new event id of its own: still one payment.
        Reply renotified = shop.webhook(Shop.paymentBody(Shop.unique("evt"), p.orderNo, p.amount, "CNY", transaction))
                .join();
        for (CompletableFuture<Reply> copy : copies) {
            Reply reply = copy.join();
            assertThat(reply.status()).as("every copy is acknowledged: %s", reply).isEqualTo(200);
            assertThat(reply.json().path("received").asBoolean()).isTrue();
        }
        assertThat(renotified.status()).isEqualTo(200);
        p.paid = true;

        Map<String, List<String>> delivered = sale.awaitDelivered(List.of(p), Duration.ofSeconds(60));
        sale.assertCodesDeliveredOnce(List.of(p), delivered);
        sale.assertMailedOnce(List.of(p), delivered, Duration.ofSeconds(60));
        sale.awaitSettled(3, Duration.ofSeconds(30));
    }

    @Test
    void aForgedOrStaleSignatureIsRefusedAndChangesNothing(Shop shop) {
        Sale sale = new Sale(shop, 5, "8.00", 1);
        Purchase p = placeUnpaid(sale, 1);
        String body = Shop.paymentBody(Shop.unique("evt"), p.orderNo, p.amount, "CNY");

        Reply forged = shop.webhook(body, "not-the-simpay-secret").join();
        assertThat(forged.status()).isEqualTo(400);
        assertThat(forged.problem()).isEqualTo("bad-signature");

        long stale = Instant.now().minusSeconds(900).getEpochSecond();
        String staleSignature = "t=" + stale + ",v1=" + java.util.HexFormat.of()
                .formatHex(Shop.hmac(shop.suite().simpaySecret(), stale + "." + body));
        Reply replayed = shop.raw(shop.request("/webhooks/payments/simpay", Duration.ofSeconds(10))
                .header("Content-Type", "application/json").header("Payment-Signature", staleSignature)
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)));
        assertThat(replayed.status()).isEqualTo(400);
        assertThat(replayed.problem()).isEqualTo("bad-signature");

        Reply unsigned = shop.raw(shop.request("/webhooks/payments/simpay", Duration.ofSeconds(10))
                .header("Content-Type", "application/json").POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)));
        assertThat(unsigned.status()).isEqualTo(400);

        Sale.sleep(Duration.ofSeconds(3));
        assertThat(status(shop, p)).isEqualTo("PENDING_PAYMENT");
        assertThat(shop.inventory(sale.sku())).isEqualTo(new Shop.Inventory(5, 4, 1, 0));
        assertThat(shop.mailbox(p.buyer.email())).isEmpty();
    }

    @Test
    void aPaymentOfTheWrongAmountRequiresARefundAndEveryLaterPaymentIsKeptForAnOperator(Shop shop) {
        Sale sale = new Sale(shop, 5, "19.90", 2);
        Purchase p = placeUnpaid(sale, 2);
        String wrongEvent = Shop.unique("evt");
        String wrongCurrencyEvent = Shop.unique("evt");
        String rightEvent = Shop.unique("evt");

        Reply wrong = shop.webhook(Shop.paymentBody(wrongEvent, p.orderNo, "0.01", "CNY")).join();
        assertThat(wrong.status()).as("recorded, so the provider stops resending").isEqualTo(200);
        awaitStatus(shop, List.of(p), "REFUND_REQUIRED", Duration.ofSeconds(60));
        // The reservation goes back: nothing held, nothing sold.
        awaitInventory(shop, sale.sku(), new Shop.Inventory(5, 5, 0, 0));

        Reply wrongCurrency = shop.webhook(Shop.paymentBody(wrongCurrencyEvent, p.orderNo, p.amount, "USD")).join();
        assertThat(wrongCurrency.status()).isEqualTo(200);
        shop.webhook(Shop.paymentBody(rightEvent, p.orderNo, p.amount, "CNY")).join().expect(200, "payment");

        // Neither can pay a closed order: both wait for an operator, with what was paid.
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        Map<String, String> reasons = Map.of();
        while (System.nanoTime() < deadline) {
            reasons = new java.util.HashMap<>();
            for (var item : shop.unmatchedPayments()) {
                if (p.orderNo.equals(item.path("orderNo").asString())) {
                    reasons.put(item.path("providerEventId").asString(), item.path("reason").asString());
                }
            }
            if (reasons.size() == 2) {
                break;
            }
            Sale.sleep(Duration.ofMillis(500));
        }
        assertThat(reasons).isEqualTo(Map.of(wrongCurrencyEvent, "amount-mismatch", rightEvent, "order-not-payable"));
        assertThat(status(shop, p)).isEqualTo("REFUND_REQUIRED");
        assertThat(shop.inventory(sale.sku()).sold()).isZero();
        assertThat(shop.mailbox(p.buyer.email())).isEmpty();
    }

    @Test
    void aWebhookAfterExpiryDeliversIfStockIsLeftElseRequiresARefund(Shop shop) {
        Sale plenty = new Sale(shop, 3, "5.00", 2);
        Sale single = new Sale(shop, 1, "7.00", 1);
        Purchase late = placeUnpaid(plenty, 1);
        Purchase tooLate = placeUnpaid(single, 1);
        assertThat(shop.inventory(single.sku())).isEqualTo(new Shop.Inventory(1, 0, 1, 0));

        awaitStatus(shop, List.of(late, tooLate), "EXPIRED",
                E2eSuite.PAYMENT_TIMEOUT.plus(E2eSuite.PAYMENT_GRACE).plusSeconds(60));
        // The released key is for sale again, and someone else buys it in time.
        awaitInventory(shop, single.sku(), new Shop.Inventory(1, 1, 0, 0));
        Outcomes rival = single.run(1, 1, 1, Duration.ofSeconds(60), true, -1, null);
        assertThat(rival.purchases().get(0).outcome()).isEqualTo("202");

        shop.webhook(Shop.paymentBody(Shop.unique("evt"), late.orderNo, late.amount, "CNY")).join().expect(200, "late");
        shop.webhook(Shop.paymentBody(Shop.unique("evt"), tooLate.orderNo, tooLate.amount, "CNY")).join()
                .expect(200, "too late");
        late.paid = true;

        Map<String, List<String>> delivered = plenty.awaitDelivered(List.of(late), Duration.ofSeconds(60));
        plenty.assertMailedOnce(List.of(late), delivered, Duration.ofSeconds(60));
        awaitStatus(shop, List.of(tooLate), "REFUND_REQUIRED", Duration.ofSeconds(60));
        single.assertNothingLost(rival, Duration.ofSeconds(60));
        assertThat(shop.mailbox(tooLate.buyer.email())).as("no codes for the refunded order").isEmpty();
        plenty.awaitSettled(1, Duration.ofSeconds(30));
    }

    /** The last key, held by a buyer who cancels: it is for sale again, and that buyer may still buy it. */
    @Test
    void aCancelledOrderGivesItsKeyBackAndTheBuyerMayBuyAgain(Shop shop) {
        Sale sale = new Sale(shop, 1, "6.00", 1);
        Purchase p = placeUnpaid(sale, 1);
        assertThat(shop.inventory(sale.sku())).isEqualTo(new Shop.Inventory(1, 0, 1, 0));

        Reply cancelled = shop.cancel(p.buyer, p.orderNo).join().expect(200, "cancel");
        assertThat(cancelled.json().path("status").asString()).isEqualTo("CANCELLED");
        awaitInventory(shop, sale.sku(), new Shop.Inventory(1, 1, 0, 0));
        assertThat(status(shop, p)).isEqualTo("CANCELLED");

        // Same buyer, new order: the per-buyer allowance came back with the key.
        Reply again = shop.placeOrderPatiently(p.buyer, Shop.unique("k"), sale.sku(), 1).expect(202, "order again");
        String orderNo = again.json().path("orderNo").asString();
        shop.webhook(Shop.paymentBody(Shop.unique("evt"), orderNo, again.json().path("amount").asString(), "CNY"))
                .join().expect(200, "payment");
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        Reply order = shop.lookUp(p.buyer, orderNo).join();
        while (!"DELIVERED".equals(order.json().path("status").asString()) && System.nanoTime() < deadline) {
            Sale.sleep(Duration.ofSeconds(2));
            order = shop.lookUp(p.buyer, orderNo).join();
        }
        assertThat(order.json().path("status").asString()).as("second order: %s", order).isEqualTo("DELIVERED");
        assertThat(order.json().path("codes")).hasSize(1);

        Reply paidCancel = shop.cancel(p.buyer, orderNo).join();
        assertThat(paidCancel.status()).isEqualTo(409);
        assertThat(paidCancel.problem()).isEqualTo("not-cancellable");
        assertThat(shop.cancel(p.buyer, p.orderNo).join().json().path("status").asString())
                .as("cancelling again changes nothing").isEqualTo("CANCELLED");
        awaitInventory(shop, sale.sku(), new Shop.Inventory(1, 0, 0, 1));
    }

    private static Purchase placeUnpaid(Sale sale, int quantity) {
        Outcomes outcomes = sale.run(1, quantity, 1, Duration.ofSeconds(60), false, -1, null);
        Purchase p = outcomes.purchases().get(0);
        assertThat(p.outcome()).as("order placed: %s", p.answer).isEqualTo("202");
        return p;
    }

    private static String status(Shop shop, Purchase p) {
        return shop.lookUp(p.buyer, p.orderNo).join().expect(200, "lookup").json().path("status").asString();
    }

    private static void awaitStatus(Shop shop, List<Purchase> orders, String wanted, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        for (Purchase p : orders) {
            String seen = status(shop, p);
            while (!seen.equals(wanted) && System.nanoTime() < deadline) {
                Sale.sleep(Duration.ofSeconds(3));
                seen = status(shop, p);
            }
            assertThat(seen).as("status of %s", p.orderNo).isEqualTo(wanted);
        }
    }

    private static void awaitInventory(Shop shop, String sku, Shop.Inventory wanted) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        Shop.Inventory seen = shop.inventory(sku);
        while (!seen.equals(wanted) && System.nanoTime() < deadline) {
            Sale.sleep(Duration.ofSeconds(1));
            seen = shop.inventory(sku);
        }
        assertThat(seen).isEqualTo(wanted);
    }
}
