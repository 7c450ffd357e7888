package com.flashkey.gateway;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Function;

import io.netty.handler.codec.http.HttpResponseStatus;

import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/** A downstream service for tests: plain Reactor Netty on a random port; records calls, answers as told. */
final class StubServer {

    record Hit(String method, String uri, Map<String, String> headers, String body) {

        String header(String name) {
            return headers.get(name.toLowerCase());
        }
    }

    record Answer(int status, String body, Map<String, String> headers) {

        Answer(int status, String body) {
            this(status, body, Map.of());
        }
    }

    private final String name;

    private final DisposableServer server;

    private final Queue<Hit> hits = new ConcurrentLinkedQueue<>();

    private final java.util.Set<String> connections = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private volatile Function<Hit, Mono<Answer>> behaviour;

    StubServer(String name) {
        this.name = name;
        this.behaviour = this::ok;
        this.server = HttpServer.create().host("127.0.0.1").port(0)
            .doOnConnection(connection -> connections.add(connection.channel().id().asLongText()))
            .handle((request, response) -> {
            Map<String, String> headers = new java.util.HashMap<>();
            request.requestHeaders().forEach(entry -> headers.put(entry.getKey().toLowerCase(), entry.getValue()));
            return request.receive().aggregate().asString().defaultIfEmpty("").flatMap(body -> {
                Hit hit = new Hit(request.method().name(), request.uri(), headers, body);
                hits.add(hit);
                return behaviour.apply(hit);
            }).flatMap(answer -> {
                response.status(HttpResponseStatus.valueOf(answer.status())).header("Content-Type", "application/json");
                answer.headers().forEach(response::header);
                return response.sendString(Mono.just(answer.body())).then();
            });
        }).bindNow(Duration.ofSeconds(10));
    }

    String url() {
        return "http://127.0.0.1:" + server.port();
    }

    Mono<Answer> ok(Hit hit) {
        return Mono.just(new Answer(hit.method().equals("POST") ? 202 : 200,
                "{\"service\":\"" + name + "\",\"uri\":\"" + hit.uri() + "\"}"));
    }

    void behave(Function<Hit, Mono<Answer>> behaviour) {
        this.behaviour = behaviour;
    }

    void answerWith(int status, String body) {
        behave(hit -> Mono.just(new Answer(status, body)));
    }

    void reset() {
        behaviour = this::ok;
        hits.clear();
    }

    List<Hit> hits() {
        return List.copyOf(hits);
    }

    int hitCount() {
        return hits.size();
    }

    /** TCP connections accepted since start (not reset). */
    int connectionCount() {
        return connections.size();
    }
}
