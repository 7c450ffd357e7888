package com.flashkey.loadtests;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import java.util.Iterator;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpProtocolBuilder;

/**
 * A payment provider's retry storm: signed simpay webhooks at {@code rate}/s, 30% of them re-deliveries of an event
 * already sent. Every delivery must be acknowledged 200 (duplicates too), fast.
 */
public class CallbackStormSimulation extends Simulation {

    private final LoadSettings settings = LoadSettings.fromSystemProperties();
    private final int p99Millis = Integer.getInteger("p99Millis", 50);
    private final double duplicateShare = Double.parseDouble(System.getProperty("duplicateShare", "0.3"));
    private final ConcurrentLinkedQueue<String> sent = new ConcurrentLinkedQueue<>();

    private final HttpProtocolBuilder protocol = http.baseUrl(settings.targetUrl()).contentTypeHeader("application/json");

    private final Iterator<Map<String, Object>> deliveries = Stream.generate(() -> {
        String body = null;
        if (ThreadLocalRandom.current().nextDouble() < duplicateShare) {
            body = sent.poll();
        }
        if (body == null) {
            String id = UUID.randomUUID().toString().replace("-", "");
            body = Simpay.body("evt_" + id, "FKSTORM" + id.substring(0, 16).toUpperCase(), "9.90", "CNY");
        }
        if (sent.size() < 10_000) {
            sent.add(body);
        }
        return Map.<String, Object>of("body", body, "signature", Simpay.signature(settings.simpaySecret(), body));
    }).iterator();

    private final ScenarioBuilder provider = scenario("provider").feed(deliveries)
            .exec(http("webhook").post("/webhooks/payments/simpay").header("Payment-Signature", "#{signature}")
                    .body(StringBody("#{body}")).check(status().is(200)));

    {
        setUp(provider.injectOpen(constantUsersPerSec(settings.rate()).during(settings.hold())))
                .protocols(protocol)
                .assertions(global().failedRequests().count().is(0L),
                        details("webhook").responseTime().percentile(99.0).lt(p99Millis));
    }
}
