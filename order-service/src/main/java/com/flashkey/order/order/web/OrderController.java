package com.flashkey.order.order.web;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import com.flashkey.order.config.OrderProperties;
import com.flashkey.order.order.OrderCancellation;
import com.flashkey.order.order.OrderLookup;
import com.flashkey.order.order.OrderNo;
import com.flashkey.order.order.OrderView;

@Tag(name = "orders", description = "Place an order, read it back with the contact e-mail, ask for the codes again")
// POST /api/orders is a functional endpoint (OrderRoutes, PlaceOrderHandler). No class-level @Validated: an AOP proxy
// per call for nothing.
@RestController
@RequestMapping("/api/orders")
class OrderController {

    private static final Duration MINUTE = Duration.ofMinutes(1);
    private static final Duration HOUR = Duration.ofHours(1);

    private final OrderLookup lookup;
    private final OrderCancellation cancellation;
    private final RateLimiter rateLimiter;
    private final OrderProperties.Limits limits;

    OrderController(OrderLookup lookup, OrderCancellation cancellation, RateLimiter rateLimiter,
            OrderProperties properties) {
        this.lookup = lookup;
        this.cancellation = cancellation;
        this.rateLimiter = rateLimiter;
        this.limits = properties.limits();
    }

    @Operation(summary = "Read an order with its contact e-mail; codes only once delivered; 404 for unknown or wrong e-mail alike")
    @GetMapping("/{orderNo}")
    Mono<OrderView> lookUp(@PathVariable String orderNo, @RequestParam(defaultValue = "") String email,
            ServerHttpRequest request) {
        return limitLookups(orderNo, request).then(Mono.defer(() -> lookup.lookUp(orderNo, email)));
    }

    @Operation(summary = "Cancel an unpaid order with its contact e-mail: its stock and the buyer's allowance go back."
            + " An order already cancelled or expired answers as it is; a paid one is a 409 not-cancellable")
    @PostMapping("/{orderNo}/cancel")
    Mono<OrderView> cancel(@PathVariable String orderNo, @RequestParam(defaultValue = "") String email,
            ServerHttpRequest request) {
        return limitLookups(orderNo, request).then(Mono.defer(() -> cancellation.cancel(orderNo, email)));
    }

    @Operation(summary = "Ask for the delivery e-mail again (rate limited per client and per order)")
    @PostMapping("/{orderNo}/resend")
    Mono<ResponseEntity<OrderLookup.ResendRequested>> resend(@PathVariable String orderNo,
            @RequestParam(defaultValue = "") String email, ServerHttpRequest request) {
        return limitLookups(orderNo, request)
                .then(rateLimiter.hit("resend:" + orderNo.substring(0, Math.min(orderNo.length(), 40)),
                        limits.resendsPerHour(), HOUR))
                .then(Mono.defer(() -> lookup.requestResend(orderNo, email)))
                .map(requested -> ResponseEntity.status(HttpStatus.ACCEPTED).body(requested));
    }

    /**
     * Every request that checks the contact e-mail counts against its client and, once the client is within its limit,
     * against the order number, whoever sends it: spreading guesses over many addresses gains nothing. Malformed
     * numbers are a 404 without a database read and reveal nothing, so they get no per-order counter.
     */
    private Mono<Void> limitLookups(String orderNo, ServerHttpRequest request) {
        Mono<Void> perClient = rateLimiter.hit("lookup:" + client(request), limits.lookupsPerMinute(), MINUTE);
        return OrderNo.parse(orderNo)
                .map(no -> perClient.then(rateLimiter.hit("lookup-order:" + no.value(), limits.lookupsPerOrderPerMinute(),
                        MINUTE)))
                .orElse(perClient);
    }

    /**
     * The client for rate limiting: the last X-Forwarded-For hop, the one the nearest proxy wrote. The gateway (the
     * only public way in; the NetworkPolicy keeps others out) replaces the header with exactly the client it
     * concluded, so hops a client wrote itself never get here; without a header, the peer address.
     */
    private static String client(ServerHttpRequest request) {
        List<String> lines = request.getHeaders().getOrEmpty("X-Forwarded-For");
        if (!lines.isEmpty()) {
            String line = lines.get(lines.size() - 1);
            String last = line.substring(line.lastIndexOf(',') + 1).trim();
            if (!last.isEmpty()) {
                return last.length() > 64 ? last.substring(0, 64) : last;
            }
        }
        InetSocketAddress remote = request.getRemoteAddress();
        return remote == null || remote.getAddress() == null ? "unknown" : remote.getAddress().getHostAddress();
    }
}
