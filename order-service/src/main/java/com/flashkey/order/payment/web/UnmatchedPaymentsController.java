package com.flashkey.order.payment.web;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Currency;
import java.util.List;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import reactor.core.publisher.Mono;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import com.flashkey.order.payment.UnmatchedPayment;
import com.flashkey.order.payment.UnmatchedPayments;

@Tag(name = "admin: payments", description = "Verified payments no order took, for an operator to refund or apply")
@RestController
@RequestMapping("/api/admin/payments")
class UnmatchedPaymentsController {

    private final UnmatchedPayments unmatched;

    UnmatchedPaymentsController(UnmatchedPayments unmatched) {
        this.unmatched = unmatched;
    }

    @Operation(summary = "The newest unmatched payments of every shard, newest first (admin JWT)")
    @GetMapping("/unmatched")
    Mono<Page> unmatched(@RequestParam(defaultValue = "100") @Min(1) @Max(500) int limit) {
        return unmatched.newest(limit).map(UnmatchedPaymentView::of).collectList().map(Page::new);
    }

    record Page(List<UnmatchedPaymentView> items) {
    }

    /** Money as a decimal string plus currency, as everywhere in the API. */
    record UnmatchedPaymentView(String provider, String providerEventId, String orderNo, String amount,
            String currency, String transactionId, Instant paidAt, String reason, String detail, Instant recordedAt) {

        static UnmatchedPaymentView of(UnmatchedPayment p) {
            return new UnmatchedPaymentView(p.provider(), p.providerEventId(), p.orderNo(),
                    decimal(p.amountMinor(), p.currency()), p.currency(), p.transactionId(), p.paidAt(), p.reason(),
                    p.detail(), p.recordedAt());
        }

        /** A currency the JDK does not know (the provider's mistake, kept as reported) shows two decimals. */
        private static String decimal(long minor, String currency) {
            int digits;
            try {
                digits = Math.max(0, Currency.getInstance(currency).getDefaultFractionDigits());
            }
            catch (IllegalArgumentException | NullPointerException ex) {
                digits = 2;
            }
            return BigDecimal.valueOf(minor, digits).toPlainString();
        }
    }
}
