package com.flashkey.loadtests;

import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpProtocolBuilder;

/** Steady catalog and stock reads at a fixed rate: the cache-hot read path. */
public class BrowseSimulation extends Simulation {

    private final LoadSettings settings = LoadSettings.fromSystemProperties();
    private final ShopAdmin admin = new ShopAdmin(settings);
    private final String sku = "LT-B-" + settings.runId();
    private final int p99Millis = Integer.getInteger("p99Millis", 50);

    private final HttpProtocolBuilder protocol = http.baseUrl(settings.targetUrl()).acceptHeader("application/json")
            .disableCaching().header("X-Forwarded-For", session -> LoadSettings.randomClientAddress());

    private final ScenarioBuilder reader = scenario("reader")
            .exec(http("product").get("/api/products/" + sku).check(status().is(200)))
            .exec(http("stock").get(stockUrl() + "/api/products/" + sku + "/stock").check(status().is(200)))
            .exec(http("list").get("/api/products?page=0&size=20").check(status().is(200)));

    {
        setUp(reader.injectOpen(constantUsersPerSec(settings.rate()).during(settings.hold())))
                .protocols(protocol)
                .assertions(global().failedRequests().count().is(0L),
                        details("product").responseTime().percentile(99.0).lt(p99Millis));
    }

    /**
     * Stock belongs to inventory: through the gateway it is the same base URL; in a direct run ({@code -DdirectUrl} =
     * catalog) it goes straight to inventory ({@code -DdirectStockUrl}, default its local port), so the direct run
     * makes the same three requests without the gateway hop.
     */
    private String stockUrl() {
        return settings.directUrl().isBlank() ? "" : System.getProperty("directStockUrl", "http://127.0.0.1:8082");
    }

    @Override
    public void before() {
        admin.openSale(sku, 10, 1);
    }
}
