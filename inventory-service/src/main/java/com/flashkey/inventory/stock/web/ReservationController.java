package com.flashkey.inventory.stock.web;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import com.fasterxml.jackson.annotation.JsonInclude;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Valid;
import jakarta.validation.Validator;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import com.flashkey.inventory.stock.ReservationOutcome;
import com.flashkey.inventory.stock.ReservationService;
import com.flashkey.inventory.stock.ReserveAnswer;
import com.flashkey.inventory.stock.ReserveCommand;
import com.flashkey.inventory.stock.ReserveResult;
import com.flashkey.inventory.web.InvalidRequestException;
import com.flashkey.inventory.web.Skus;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import reactor.core.publisher.Mono;

/** Internal reservation API for order-service (not routed by the gateway). */
@RestController
@RequestMapping("/internal")
@Tag(name = "reservations (internal)")
class ReservationController {

    private static final String ORDER_NO = "[A-Za-z0-9]{1,40}";

    /** Most reservations one batch may carry (order-service sends far fewer). */
    static final int MAX_BATCH = 1000;

    private final ReservationService reservations;
    private final Validator validator;

    ReservationController(ReservationService reservations, Validator validator) {
        this.reservations = reservations;
        this.validator = validator;
    }

    record ReserveRequest(@NotBlank @Pattern(regexp = ORDER_NO) String orderNo, @Min(1) Integer attempt,
            @NotNull @Pattern(regexp = Skus.PATTERN) String sku, @Min(1) @Max(10) int quantity,
            @NotBlank @Email String buyer, @Min(1) int perBuyerLimit, @NotNull Instant saleStartsAt,
            @NotNull Instant saleEndsAt, @NotNull Instant expiresAt) {

        @Override
        public String toString() {
            return "ReserveRequest[orderNo=" + orderNo + ", sku=" + sku + "]";
        }
    }

    record ReserveResponse(String orderNo, int attempt, ReservationOutcome outcome, long available) {

        static ReserveResponse of(ReserveAnswer answer) {
            return new ReserveResponse(answer.orderNo(), answer.attempt(), answer.outcome(), answer.available());
        }
    }

    record ReleaseResponse(String orderNo, boolean released) {
    }

    /** Body of the batch: reservations of any SKUs, answered one by one in the same order. */
    record BatchRequest(@NotNull @Size(min = 1, max = MAX_BATCH) List<ReserveRequest> reservations) {
    }

    /**
     * One answer of a batch: {@code outcome} and {@code available} as the single reserve answers, or {@code error}
     * ({@code unavailable}: retry later; {@code conflict}: what the single reserve answers 409; {@code validation}:
     * this element is malformed) with a short {@code detail}.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record BatchItem(String orderNo, Integer attempt, ReservationOutcome outcome, Long available, String error,
            String detail) {

        static BatchItem of(ReserveRequest request, ReserveResult result) {
            if (result.failure() == null) {
                ReserveAnswer a = result.answer();
                return new BatchItem(a.orderNo(), a.attempt(), a.outcome(), a.available(), null, null);
            }
            String error = switch (result.failure()) {
                case UNAVAILABLE -> "unavailable";
                case CONFLICT -> "conflict";
                case INVALID -> "validation";
            };
            return new BatchItem(request == null ? null : request.orderNo(),
                    request == null ? null : request.attempt() == null ? 1 : request.attempt(), null, null, error,
                    result.detail());
        }
    }

    record BatchResponse(List<BatchItem> results) {
    }

    @PostMapping("/reservations")
    @Operation(summary = "Reserve stock for an order (idempotent per orderNo and attempt)")
    Mono<ReserveResponse> reserve(@Valid @RequestBody ReserveRequest request) {
        if (!request.saleEndsAt().isAfter(request.saleStartsAt())) {
            throw new InvalidRequestException("saleEndsAt", "must be after saleStartsAt");
        }
        return reservations.reserve(command(request)).map(ReserveResponse::of);
    }

    /**
     * Many reservations in one request: order-service coalesces the orders that arrive while a batch is on its way,
     * so a sale costs one HTTP exchange and one script call per SKU per batch instead of one each per order. Each
     * element is validated, decided and answered on its own (a malformed or conflicting element fails alone).
     */
    @PostMapping("/reservations:batch")
    @Operation(summary = "Reserve stock for many orders at once; answers in the same order, each as the single "
            + "reserve would (or with its own error)")
    Mono<BatchResponse> reserveBatch(@Valid @RequestBody BatchRequest batch) {
        List<ReserveRequest> requests = batch.reservations();
        ReserveResult[] invalid = new ReserveResult[requests.size()];
        List<ReserveCommand> commands = new ArrayList<>(requests.size());
        for (int i = 0; i < requests.size(); i++) {
            String problem = problem(requests.get(i));
            if (problem == null) {
                commands.add(command(requests.get(i)));
            }
            else {
                invalid[i] = ReserveResult.failed(ReserveResult.Failure.INVALID, problem);
            }
        }
        return reservations.reserveAll(commands).map(results -> {
            List<BatchItem> items = new ArrayList<>(requests.size());
            int next = 0;
            for (int i = 0; i < requests.size(); i++) {
                items.add(BatchItem.of(requests.get(i), invalid[i] != null ? invalid[i] : results.get(next++)));
            }
            return new BatchResponse(items);
        });
    }

    /** The invalid fields of one batch element (the single reserve's rules), or null when it is valid. */
    private String problem(ReserveRequest request) {
        if (request == null) {
            return "the reservation is missing";
        }
        Set<ConstraintViolation<ReserveRequest>> violations = validator.validate(request);
        if (!violations.isEmpty()) {
            return violations.stream().map(v -> v.getPropertyPath().toString()).sorted().distinct()
                    .collect(Collectors.joining(", ", "invalid: ", ""));
        }
        if (!request.saleEndsAt().isAfter(request.saleStartsAt())) {
            return "invalid: saleEndsAt must be after saleStartsAt";
        }
        return null;
    }

    private static ReserveCommand command(ReserveRequest request) {
        return new ReserveCommand(request.orderNo(), request.attempt() == null ? 1 : request.attempt(), request.sku(),
                request.quantity(), request.buyer(), request.perBuyerLimit(), request.saleStartsAt(),
                request.saleEndsAt(), request.expiresAt());
    }

    @DeleteMapping("/reservations/{orderNo}")
    @Operation(summary = "Release an order's reservation (idempotent); with sku, a reserve that arrives later "
            + "reserves nothing")
    Mono<ReleaseResponse> release(@PathVariable String orderNo, @RequestParam(required = false) String sku) {
        if (!orderNo.matches(ORDER_NO)) {
            throw new InvalidRequestException("orderNo", "must match " + ORDER_NO);
        }
        Mono<Boolean> released = sku == null ? reservations.release(orderNo)
                : reservations.release(Skus.require(sku), orderNo, null, "requested");
        return released.map(r -> new ReleaseResponse(orderNo, r));
    }
}
