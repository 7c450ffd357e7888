package com.flashkey.loadtests;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.bodyString;
import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.jmesPath;
import static io.gatling.javaapi.core.CoreDsl.rampUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import java.util.Iterator;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpProtocolBuilder;

/**
 * A flash sale as shoppers make it: a pulse of arrivals (ramp to {@code rate}/s within {@code rampSeconds}, hold,
 * drop), each browsing, checking stock, buying one or two cards and paying through the simpay webhook. Ends with a
 * consistency check through the admin API that fails the run on any oversell.
 */
public class FlashSaleSimulation extends Simulation {

    private final LoadSettings settings = LoadSettings.fromSystemProperties();
    private final ShopAdmin admin = new ShopAdmin(settings);
    /** {@code -Dsku=...}: sell an existing product whose keys are imported already (bin/flashkey sale does that). */
    private final String givenSku = System.getProperty("sku", "");
    private final String sku = givenSku.isBlank() ? "LT-" + settings.runId() : givenSku;
    /** {@code -DoutcomeLog=path}: one CSV line per buy and per payment, for summaries outside Gatling. */
    private final OutcomeLog outcomes = OutcomeLog.open(System.getProperty("outcomeLog", ""));
    private final int p99Millis = Integer.getInteger("p99Millis", 100);

    private final HttpProtocolBuilder protocol = http.baseUrl(settings.targetUrl())
            .acceptHeader("application/json").contentTypeHeader("application/json").disableCaching()
            .header("X-Forwarded-For", session -> session.contains("clientAddress") ? session.getString("clientAddress")
                    : LoadSettings.randomClientAddress());

    private final Iterator<Map<String, Object>> buyers = Stream.generate(() -> {
        String id = UUID.randomUUID().toString();
        return Map.<String, Object>of("email", "buyer-" + id + "@loadtest.flashkey.dev", "idempotencyKey", id,
                "quantity", Math.random() < 0.8 ? 1 : 2, "clientAddress", LoadSettings.randomClientAddress());
    }).iterator();

    private final ScenarioBuilder shopper = scenario("shopper").feed(buyers)
            .exec(http("browse").get("/api/products?page=0&size=20").check(status().in(200, 429)))
            .exec(http("stock").get("/api/products/" + sku + "/stock").check(status().in(200, 429)))
            .exec(http("buy").post("/api/orders").header("Idempotency-Key", "#{idempotencyKey}")
                    .body(StringBody("{\"sku\":\"" + sku + "\",\"quantity\":#{quantity},\"email\":\"#{email}\"}"))
                    .check(status().saveAs("httpStatus"), status().in(202, 409, 429).saveAs("buyStatus"),
                            jmesPath("type").optional().saveAs("problemType"),
                            jmesPath("orderNo").optional().saveAs("orderNo"),
                            jmesPath("amount").optional().saveAs("amount"),
                            jmesPath("currency").optional().saveAs("currency")))
            .exec(session -> {
                outcomes.buy(session.contains("httpStatus") ? session.getInt("httpStatus") : 0,
                        session.getString("problemType"), session.getString("orderNo"), session.getString("email"),
                        session.getInt("quantity"));
                return session;
            })
            .doIf(session -> session.contains("buyStatus") && session.getInt("buyStatus") == 202).then(exec(session -> {
                String body = Simpay.body("evt_" + UUID.randomUUID(), session.getString("orderNo"),
                        session.getString("amount"), session.getString("currency"));
                return session.set("payBody", body).set("paySignature", Simpay.signature(settings.simpaySecret(), body));
            }).exec(http("pay").post(settings.baseUrl() + "/webhooks/payments/simpay")
                    .header("Payment-Signature", "#{paySignature}").body(StringBody("#{payBody}"))
                    .check(status().is(200)))
                    .exec(session -> {
                        if (!session.isFailed()) {
                            outcomes.paid(session.getString("orderNo"), session.getString("email"));
                        }
                        return session;
                    }));

    /** After the pulse, the pool must add up: sold + reserved + available = imported, and sold never above stock. */
    private final ScenarioBuilder auditor = scenario("auditor").pause(Integer.getInteger("drainSeconds", 10))
            .exec(http("consistency").get(settings.baseUrl() + "/api/admin/products/" + sku + "/inventory")
                    .header("Authorization", session -> "Bearer " + admin.adminToken())
                    .check(status().is(200), bodyString().transform(ShopAdmin::consistent).is(true)));

    {
        setUp(shopper.injectOpen(rampUsersPerSec(1).to(settings.rate()).during(settings.rampUp()),
                constantUsersPerSec(settings.rate()).during(settings.hold()))
                .andThen(auditor.injectOpen(atOnceUsers(1))))
                .protocols(protocol)
                .assertions(
                        global().failedRequests().count().is(0L),
                        details("buy").responseTime().percentile(99.0).lt(p99Millis),
                        details("pay").successfulRequests().percent().is(100.0),
                        details("consistency").successfulRequests().percent().is(100.0));
    }

    @Override
    public void before() {
        if (givenSku.isBlank()) {
            admin.openSale(sku, settings.stock(), 2);
        }
        System.out.printf("FlashSale: sku=%s stock=%d rate=%d/s target=%s%n", sku, settings.stock(), settings.rate(),
                settings.targetUrl());
    }

    @Override
    public void after() {
        outcomes.close();
    }
}
