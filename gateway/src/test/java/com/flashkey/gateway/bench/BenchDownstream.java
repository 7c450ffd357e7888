package com.flashkey.gateway.bench;

import java.nio.charset.StandardCharsets;

import io.netty.buffer.Unpooled;

import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * A fixed-answer downstream for the gateway-hop measurement (bench/gateway-hop.sh): answers every request with
 * one product JSON, as a cache-hot catalog would. Not a test; started by the script.
 */
public final class BenchDownstream {

    private static final byte[] PRODUCT = ("{\"sku\":\"SKU-1\",\"name\":\"Game card 100\",\"description\":\"A card key\","
            + "\"price\":\"9.90\",\"currency\":\"CNY\",\"saleStartsAt\":\"2026-11-25T20:00:00Z\","
            + "\"saleEndsAt\":\"2026-11-26T20:00:00Z\",\"perBuyerLimit\":2,\"status\":\"ON_SALE\"}")
        .getBytes(StandardCharsets.UTF_8);

    private BenchDownstream() {
    }

    public static void main(String[] args) {
        int port = Integer.parseInt(args.length > 0 ? args[0] : "18081");
        DisposableServer server = HttpServer.create()
            .host("127.0.0.1")
            .port(port)
            .handle((request, response) -> response.header("Content-Type", "application/json")
                .header("Content-Length", Integer.toString(PRODUCT.length))
                .send(Mono.just(Unpooled.wrappedBuffer(PRODUCT)))
                .then())
            .bindNow();
        System.out.println("bench downstream on " + server.port());
        server.onDispose().block();
    }
}
