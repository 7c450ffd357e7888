package com.flashkey.inventory.stock.web;

import java.time.Instant;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

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
import com.flashkey.inventory.web.InvalidRequestException;
import com.flashkey.inventory.web.Skus;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import reactor.core.publisher.Mono;

/** Internal reservation API for order-service (not routed by the gateway). */
@RestController
@RequestMapping("/internal/reservations")
@Tag(name = "reservations (internal)")
class ReservationController {

    private static final String ORDER_NO = "[A-Za-z0-9]{1,40}";

    private final ReservationService reservations;

    ReservationController(ReservationService reservations) {
        this.reservations = reservations;
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

    @PostMapping
    @Operation(summary = "Reserve stock for an order (idempotent per orderNo and attempt)")
    Mono<ReserveResponse> reserve(@Valid @RequestBody ReserveRequest request) {
        if (!request.saleEndsAt().isAfter(request.saleStartsAt())) {
            throw new InvalidRequestException("saleEndsAt", "must be after saleStartsAt");
        }
        ReserveCommand command = new ReserveCommand(request.orderNo(), request.attempt() == null ? 1 : request.attempt(),
                request.sku(), request.quantity(), request.buyer(), request.perBuyerLimit(), request.saleStartsAt(),
                request.saleEndsAt(), request.expiresAt());
        return reservations.reserve(command).map(ReserveResponse::of);
    }

    @DeleteMapping("/{orderNo}")
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
