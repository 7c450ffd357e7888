package com.flashkey.inventory.allocation;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.PessimisticLockingFailureException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.reactive.TransactionalOperator;

import com.flashkey.contracts.AllocationFailed;
import com.flashkey.contracts.DeliveryCodes;
import com.flashkey.contracts.KeysAllocated;
import com.flashkey.contracts.OrderPaid;
import com.flashkey.contracts.SealedCode;
import com.flashkey.contracts.Topics;
import com.flashkey.inventory.cardkey.CardKeyCipher;
import com.flashkey.inventory.cardkey.CardKeyRepository;
import com.flashkey.inventory.events.Outbox;
import com.flashkey.inventory.stock.BuyerEmail;
import com.flashkey.inventory.stock.Reservation;
import com.flashkey.inventory.stock.ReservationRepository;
import com.flashkey.inventory.stock.ReservationService;
import com.flashkey.inventory.stock.StockRebuilder;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.r2dbc.spi.R2dbcTransientException;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * Allocates card keys to a paid order in one transaction: the allocation row first (a replay finds it and does
 * nothing), then exactly {@code quantity} AVAILABLE keys locked with {@code FOR UPDATE SKIP LOCKED} (concurrent
 * allocations take disjoint rows instead of queueing), marked SOLD, and their codes sealed for delivery into a
 * keys.allocated outbox row. Too few keys writes allocation.failed instead and raises the alert metric.
 */
@Service
public class AllocationService {

    private static final Logger log = LoggerFactory.getLogger(AllocationService.class);

    private final DatabaseClient db;
    private final TransactionalOperator tx;
    private final CardKeyRepository cardKeys;
    private final CardKeyCipher cipher;
    private final DeliveryCodes deliveryCodes;
    private final Outbox outbox;
    private final ReservationRepository reservations;
    private final ReservationService reservationService;
    private final StockRebuilder rebuilder;
    private final Clock clock;
    private final Counter failures;

    public AllocationService(DatabaseClient db, TransactionalOperator tx, CardKeyRepository cardKeys,
            CardKeyCipher cipher, DeliveryCodes deliveryCodes, Outbox outbox, ReservationRepository reservations,
            ReservationService reservationService, StockRebuilder rebuilder, Clock clock, MeterRegistry meters) {
        this.db = db;
        this.tx = tx;
        this.cardKeys = cardKeys;
        this.cipher = cipher;
        this.deliveryCodes = deliveryCodes;
        this.outbox = outbox;
        this.reservations = reservations;
        this.reservationService = reservationService;
        this.rebuilder = rebuilder;
        this.clock = clock;
        this.failures = Counter.builder("inventory.allocation.failed")
                .description("paid orders that found too few card keys (alert)").register(meters);
    }

    public Mono<AllocationResult> allocate(OrderPaid paid) {
        Mono<AllocationResult> transaction = Mono.defer(() -> {
            Instant now = clock.instant();
            return db.sql("INSERT IGNORE INTO allocations (order_no, sku, quantity, outcome, allocated_at) "
                    + "VALUES (?, ?, ?, 'PENDING', ?)")
                    .bind(0, paid.orderNo()).bind(1, paid.sku()).bind(2, paid.quantity()).bind(3, now)
                    .fetch().rowsUpdated()
                    .flatMap(inserted -> inserted == 0 ? Mono.just(AllocationResult.REPLAY) : take(paid, now));
        }).as(tx::transactional)
                // Deadlocks and lock timeouts roll the whole transaction back; running it again is safe.
                .retryWhen(Retry.backoff(5, Duration.ofMillis(20)).jitter(0.5).filter(AllocationService::isTransient));
        return transaction.flatMap(result -> afterCommit(paid, result).thenReturn(result));
    }

    private Mono<AllocationResult> take(OrderPaid paid, Instant now) {
        String buyer = BuyerEmail.normalise(paid.buyerEmail());
        return cardKeys.lockAvailable(paid.sku(), paid.quantity()).collectList().flatMap(taken -> {
            if (taken.size() < paid.quantity()) {
                return setOutcome(paid.orderNo(), "FAILED")
                        .then(reservations.markSettled(paid.orderNo(), paid.sku(), paid.quantity(), buyer,
                                Reservation.FAILED, now))
                        .then(outbox.append(Topics.ALLOCATION_FAILED, new AllocationFailed(paid.orderNo(), paid.sku(),
                                paid.quantity(), taken.size(), "insufficient-keys", now)))
                        .thenReturn(AllocationResult.FAILED);
            }
            List<Long> ids = taken.stream().map(CardKeyRepository.TakenKey::id).toList();
            List<SealedCode> codes = taken.stream().map(key -> deliveryCodes.seal(paid.orderNo(),
                    cipher.decrypt(paid.sku(), key.keyId(), key.ciphertext()))).toList();
            return cardKeys.markSold(ids, paid.orderNo(), now).flatMap(sold -> sold == ids.size() ? Mono.<Void>empty()
                    : Mono.error(new IllegalStateException("locked keys changed under order " + paid.orderNo())))
                    .then(setOutcome(paid.orderNo(), "ALLOCATED"))
                    .then(reservations.markSettled(paid.orderNo(), paid.sku(), paid.quantity(), buyer,
                            Reservation.CONFIRMED, now))
                    .then(outbox.append(Topics.KEYS_ALLOCATED, new KeysAllocated(paid.orderNo(), paid.sku(),
                            paid.quantity(), paid.buyerEmail(), paid.locale(), codes, now, paid.buyerPhone())))
                    .thenReturn(AllocationResult.ALLOCATED);
        });
    }

    private Mono<Long> setOutcome(String orderNo, String outcome) {
        return db.sql("UPDATE allocations SET outcome = ? WHERE order_no = ?").bind(0, outcome).bind(1, orderNo)
                .fetch().rowsUpdated();
    }

    /** Brings Redis in line after the commit; idempotent, so a replayed event repairs a step that failed before. */
    private Mono<Void> afterCommit(OrderPaid paid, AllocationResult result) {
        Mono<String> confirm = reservationService.confirm(paid.sku(), paid.orderNo());
        if (result == AllocationResult.FAILED) {
            failures.increment();
            log.error("allocation failed for order {}: sku {} has fewer than {} available keys; counters drifted, "
                    + "rebuilding them", paid.orderNo(), paid.sku(), paid.quantity());
            return confirm.then(rebuilder.rebuild(paid.sku())).then();
        }
        return confirm.then();
    }

    private static boolean isTransient(Throwable ex) {
        return ex instanceof TransientDataAccessException || ex instanceof PessimisticLockingFailureException
                || ex instanceof R2dbcTransientException;
    }
}
