package com.flashkey.payment.simulator.web;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

import org.springframework.context.annotation.Profile;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;

import com.flashkey.contracts.ProblemTypes;
import com.flashkey.payment.notification.Money;
import com.flashkey.payment.notification.SimpaySignature;
import com.flashkey.payment.reconciliation.PendingOrder;
import com.flashkey.payment.reconciliation.PendingOrders;
import com.flashkey.payment.simulator.DeliveryReport;
import com.flashkey.payment.simulator.SimulatedProvider;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import reactor.core.publisher.Mono;

/**
 * The page an order's payment URL points to ({@code /simulator/pay?orderNo=...}), the pay action behind it, and
 * the provider's payment query API. Exists only with profile {@code local} or {@code demo}.
 */
@RestController
@RequestMapping("/simulator")
@Profile({ "local", "demo" })
@Tag(name = "simulator", description = "Local payment provider (profiles local, demo)")
class SimulatorController {

    private static final Pattern ORDER_NO = Pattern.compile("[A-Za-z0-9]{1,40}");

    private final SimulatedProvider provider;
    private final PendingOrders pending;

    SimulatorController(SimulatedProvider provider, PendingOrders pending) {
        this.provider = provider;
        this.pending = pending;
    }

    // No produces=text/html: an unknown order must still render as problem+json.
    @GetMapping(path = "/pay")
    @Operation(summary = "Pay page for an order (amount from order.placed, or from amount/currency parameters)")
    Mono<ResponseEntity<String>> page(ServerWebExchange exchange) {
        Map<String, String> params = exchange.getRequest().getQueryParams().toSingleValueMap();
        return order(params).map(order -> {
            String amount = Money.toDecimal(order.amountMinor(), order.currency());
            String hidden = "<input type=hidden name=orderNo value=" + order.orderNo() + "><input type=hidden "
                    + "name=amount value=" + amount + "><input type=hidden name=currency value=" + order.currency() + ">";
            return "<!doctype html><html><head><meta charset=utf-8><title>SimPay</title></head><body>"
                    + "<h1>SimPay (simulated provider)</h1><p>Order <b>" + order.orderNo() + "</b>: " + amount + " "
                    + order.currency() + "</p>"
                    + "<form method=post action=/simulator/pay>" + hidden + "<button>Pay</button></form>"
                    + "<form method=post action=/simulator/pay>" + hidden
                    + "<input type=hidden name=duplicates value=2><button>Pay, webhook sent 3 times</button></form>"
                    + "<form method=post action=/simulator/pay>" + hidden
                    + "<input type=hidden name=notify value=false><button>Pay, webhook lost (reconciliation finds it)"
                    + "</button></form></body></html>";
        }).map(html -> ResponseEntity.ok().contentType(MediaType.TEXT_HTML).body(html));
    }

    @PostMapping(path = "/pay", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Pay an order and deliver the signed simpay webhook (retries with backoff)")
    Mono<DeliveryReport> pay(ServerWebExchange exchange) {
        return exchange.getFormData().flatMap(form -> {
            Map<String, String> params = new LinkedHashMap<>(exchange.getRequest().getQueryParams().toSingleValueMap());
            params.putAll(form.toSingleValueMap());
            boolean notify = !"false".equalsIgnoreCase(params.get("notify"));
            int duplicates = integer(params.get("duplicates"), 0, 20);
            return order(params).flatMap(order -> provider.pay(order.orderNo(), order.amountMinor(), order.currency(),
                    notify, duplicates));
        });
    }

    @GetMapping(path = "/api/payments/{orderNo}", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Provider query API: was the order paid? Signed with Payment-Signature")
    ResponseEntity<byte[]> query(@PathVariable String orderNo) {
        if (!ORDER_NO.matcher(orderNo).matches()) {
            throw problem(HttpStatus.BAD_REQUEST, "validation", "orderNo must be 1-40 letters or digits");
        }
        SimulatedProvider.SignedAnswer answer = provider.query(orderNo);
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON)
                .header(SimpaySignature.HEADER, answer.signature()).body(answer.body());
    }

    /** The order to pay: amount/currency parameters win; otherwise what order.placed told us. */
    private Mono<PendingOrder> order(Map<String, String> params) {
        String orderNo = params.get("orderNo");
        if (orderNo == null || !ORDER_NO.matcher(orderNo).matches()) {
            return Mono.error(problem(HttpStatus.BAD_REQUEST, "validation", "orderNo must be 1-40 letters or digits"));
        }
        String amount = params.get("amount");
        if (amount != null && !amount.isBlank()) {
            String currency = params.getOrDefault("currency", "CNY");
            try {
                return Mono.just(new PendingOrder(orderNo, Money.toMinor(amount, currency), currency, null, null));
            }
            catch (IllegalArgumentException | ArithmeticException ex) {
                return Mono.error(problem(HttpStatus.BAD_REQUEST, "validation", "amount/currency: " + ex.getMessage()));
            }
        }
        return pending.find(orderNo).switchIfEmpty(Mono.error(() -> problem(HttpStatus.NOT_FOUND, "not-found",
                "order " + orderNo + " is not known yet; pass amount and currency")));
    }

    private static int integer(String value, int min, int max) {
        if (value == null || value.isBlank()) {
            return min;
        }
        try {
            return Math.max(min, Math.min(max, Integer.parseInt(value.trim())));
        }
        catch (NumberFormatException ex) {
            throw problem(HttpStatus.BAD_REQUEST, "validation", "duplicates must be a number");
        }
    }

    private static ErrorResponseException problem(HttpStatus status, String code, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setType(URI.create(ProblemTypes.BASE + code));
        return new ErrorResponseException(status, problem, null);
    }
}
