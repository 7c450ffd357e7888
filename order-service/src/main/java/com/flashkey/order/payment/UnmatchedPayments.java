package com.flashkey.order.payment;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.List;

import io.micrometer.core.instrument.MeterRegistry;
import io.r2dbc.spi.Readable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.r2dbc.core.Parameter;
import org.springframework.stereotype.Component;

import com.flashkey.contracts.PaymentSucceeded;
import com.flashkey.contracts.PaymentUnmatched;
import com.flashkey.contracts.Topics;
import com.flashkey.order.config.Shards;
import com.flashkey.order.order.OrderEventPublisher;
import com.flashkey.order.order.OrderNo;
import com.flashkey.order.order.OrderStore;

/**
 * Payments that were acknowledged to the provider but cannot be applied to any order. Each is stored once per
 * provider event (unique key, insert first) in the shard its order number names, or in shard 0 when the number
 * names none, with a {@code payment.unmatched} event in the same transaction and a count in
 * {@code flashkey.order.payments.unmatched{reason}}. An operator reads them at {@code GET /api/admin/payments/unmatched}.
 */
@Component
public class UnmatchedPayments {

    /** The order number is not one (length, charset, random part). */
    public static final String MALFORMED_ORDER_NO = "malformed-order-no";

    /** The order number is well formed but names a shard this service does not have. */
    public static final String UNKNOWN_SHARD = "unknown-shard";

    /** No such order, after the wait for its order.placed; nothing in Redis says it was placed. */
    public static final String UNKNOWN_ORDER = "unknown-order";

    /** The order was placed (Redis copy) but its row did not land within the wait. */
    public static final String NOT_INGESTED = "not-ingested";

    /** The amount or currency is not the order's, and the order can no longer take a refund of its own. */
    public static final String AMOUNT_MISMATCH = "amount-mismatch";

    /** The order took a payment already (paid, delivered, or its money goes back) and this is another one. */
    public static final String ORDER_NOT_PAYABLE = "order-not-payable";

    private static final Logger log = LoggerFactory.getLogger(UnmatchedPayments.class);

    private static final String INSERT = "INSERT IGNORE INTO unmatched_payment (provider, provider_event_id, order_no, "
            + "amount_minor, currency, transaction_id, paid_at, reason, detail, recorded_at) "
            + "VALUES (?,?,?,?,?,?,?,?,?,?)";

    private static final String COLUMNS = "provider, provider_event_id, order_no, amount_minor, currency, "
            + "transaction_id, paid_at, reason, detail, recorded_at";

    private final OrderStore store;
    private final Shards shards;
    private final OrderEventPublisher events;
    private final Clock clock;
    private final MeterRegistry registry;

    UnmatchedPayments(OrderStore store, Shards shards, OrderEventPublisher events, Clock clock,
            MeterRegistry registry) {
        this.store = store;
        this.shards = shards;
        this.events = events;
        this.clock = clock;
        this.registry = registry;
    }

    /**
     * Keeps {@code payment} as unmatched. A second copy of the same provider event stores and publishes nothing.
     *
     * @return true if this call recorded it
     */
    public Mono<Boolean> record(PaymentSucceeded payment, String reason, String detail) {
        return Mono.defer(() -> {
            int shard = OrderNo.parse(payment.orderNo()).map(OrderNo::shard).filter(store::hasShard).orElse(0);
            Instant now = clock.instant();
            String orderNo = cut(payment.orderNo(), 40);
            String text = cut(detail, 255);
            PaymentUnmatched event = new PaymentUnmatched(orderNo, payment.provider(), payment.providerEventId(),
                    payment.amountMinor(), payment.currency(), payment.transactionId(), payment.paidAt(), reason, text,
                    now);
            // Keyed by the number as reported, so it follows the payment's own partition order; never empty.
            String key = orderNo != null && !orderNo.isEmpty() ? orderNo : cut(payment.providerEventId(), 40);
            List<Object> values = List.of(payment.provider(), payment.providerEventId(),
                    Parameter.fromOrEmpty(orderNo, String.class), payment.amountMinor(), cut(payment.currency(), 3),
                    Parameter.fromOrEmpty(cut(payment.transactionId(), 100), String.class),
                    Parameter.fromOrEmpty(payment.paidAt() == null ? null : utc(payment.paidAt()), LocalDateTime.class),
                    reason, Parameter.fromOrEmpty(text, String.class), utc(now));
            return store.insertOnce(shard, INSERT, values, events.outboxEvent(Topics.PAYMENT_UNMATCHED, key, event))
                    .doOnNext(recorded -> {
                        if (recorded) {
                            registry.counter("flashkey.order.payments.unmatched", "reason", reason).increment();
                            log.warn("payment {} of {} for order number {} recorded as unmatched: {}",
                                    payment.providerEventId(), payment.provider(), orderNo, reason);
                        }
                    });
        });
    }

    /** The newest {@code limit} unmatched payments of all shards, newest first (at most shards x limit rows read). */
    public Flux<UnmatchedPayment> newest(int limit) {
        return Flux.fromIterable(shards.all())
                .flatMap(s -> s.db().sql("SELECT " + COLUMNS + " FROM unmatched_payment ORDER BY recorded_at DESC, "
                        + "id DESC LIMIT ?").bind(0, limit).map(UnmatchedPayments::row).all())
                .sort(Comparator.comparing(UnmatchedPayment::recordedAt).reversed())
                .take(limit);
    }

    private static UnmatchedPayment row(Readable row) {
        return new UnmatchedPayment(row.get("provider", String.class), row.get("provider_event_id", String.class),
                row.get("order_no", String.class), row.get("amount_minor", Long.class),
                row.get("currency", String.class), row.get("transaction_id", String.class), instant(row, "paid_at"),
                row.get("reason", String.class), row.get("detail", String.class), instant(row, "recorded_at"));
    }

    private static String cut(String text, int max) {
        return text == null || text.length() <= max ? text : text.substring(0, max);
    }

    private static Instant instant(Readable row, String column) {
        LocalDateTime value = row.get(column, LocalDateTime.class);
        return value == null ? null : value.toInstant(ZoneOffset.UTC);
    }

    /** DATETIME columns hold UTC wall time, whatever the JVM's zone. */
    private static LocalDateTime utc(Instant instant) {
        return LocalDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}
