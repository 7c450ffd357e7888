package com.flashkey.gateway;

import java.util.List;

import org.springframework.test.context.DynamicPropertyRegistry;

/** The four downstreams, started once per test JVM and shared by every gateway context. */
final class Stubs {

    static final StubServer CATALOG = new StubServer("catalog");

    static final StubServer INVENTORY = new StubServer("inventory");

    static final StubServer ORDER = new StubServer("order");

    static final StubServer PAYMENT = new StubServer("payment");

    private Stubs() {
    }

    static List<StubServer> all() {
        return List.of(CATALOG, INVENTORY, ORDER, PAYMENT);
    }

    static void register(DynamicPropertyRegistry registry) {
        registry.add("flashkey.gateway.services.catalog", CATALOG::url);
        registry.add("flashkey.gateway.services.inventory", INVENTORY::url);
        registry.add("flashkey.gateway.services.order", ORDER::url);
        registry.add("flashkey.gateway.services.payment", PAYMENT::url);
    }

    static void resetAll() {
        all().forEach(StubServer::reset);
    }

    static int totalHits() {
        return all().stream().mapToInt(StubServer::hitCount).sum();
    }
}
