package com.flashkey.inventory.stock;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.stereotype.Service;

import com.flashkey.inventory.config.InventoryProperties;

import io.micrometer.core.instrument.MeterRegistry;
import reactor.core.publisher.Mono;

/**
 * Reserve, release and confirm: each one Lua script on the SKU's keys, so the check and the change are atomic and
 * idempotent. The durable record follows: reservations are queued to the {@link ReservationJournal} (write-behind),
 * releases and confirmations are written to the database before the caller hears back.
 */
@Service
public class ReservationService {

    private static final Logger log = LoggerFactory.getLogger(ReservationService.class);

    private final ReactiveStringRedisTemplate redis;
    private final StockKeys keys;
    private final StockScripts scripts;
    private final RedisSafety safety;
    private final StockRebuilder rebuilder;
    private final ReservationJournal journal;
    private final ReservationRepository repository;
    private final InventoryProperties properties;
    private final MeterRegistry meters;
    private final Clock clock;

    public ReservationService(ReactiveStringRedisTemplate redis, StockKeys keys, StockScripts scripts,
            RedisSafety safety, StockRebuilder rebuilder, ReservationJournal journal, ReservationRepository repository,
            InventoryProperties properties, MeterRegistry meters, Clock clock) {
        this.redis = redis;
        this.keys = keys;
        this.scripts = scripts;
        this.safety = safety;
        this.rebuilder = rebuilder;
        this.journal = journal;
        this.repository = repository;
        this.properties = properties;
        this.meters = meters;
        this.clock = clock;
    }

    public Mono<ReserveAnswer> reserve(ReserveCommand command) {
        String buyer = BuyerEmail.normalise(command.buyer());
        return safety.safe().flatMap(safe -> {
            if (!safe) {
                return Mono.error(new StockUnavailableException(command.sku(), "Redis is not running noeviction"));
            }
            return runReserve(command, buyer).flatMap(raw -> {
                if (raw.startsWith("UNINITIALISED|")) {
                    // Redis has no counter for the SKU (first sale, or Redis lost its data): rebuild it from the
                    // database, then try once more. Callers meanwhile get 503, never a guess.
                    return rebuilder.rebuild(command.sku()).then(runReserve(command, buyer));
                }
                return Mono.just(raw);
            }).map(raw -> answer(command, buyer, raw));
        })
                // Never an empty answer (the HTTP layer would turn it into a 200 without a body): try again later.
                .switchIfEmpty(Mono.error(() -> new StockUnavailableException(command.sku(), "no answer from Redis")))
                .doOnNext(answer -> meters.counter("inventory.reservations", "outcome", answer.outcome().name(),
                        "replay", Boolean.toString(answer.replay())).increment());
    }

    private Mono<String> runReserve(ReserveCommand c, String buyer) {
        List<String> args = List.of(c.orderNo(), Integer.toString(c.attempt()), Integer.toString(c.quantity()), buyer,
                Integer.toString(c.perBuyerLimit()), Long.toString(c.saleStartsAt().toEpochMilli()),
                Long.toString(c.saleEndsAt().toEpochMilli()), Long.toString(c.expiresAt().toEpochMilli()),
                Long.toString(properties.rejectedAnswerRetention().toMillis()));
        Mono<String> script = redis.execute(scripts.reserve, keys.reserveKeys(c.sku(), c.orderNo()), args).next();
        // The order -> SKU index lets a release that names only the order find the SKU; it goes out pipelined with
        // the script on the same connection. It lives until an hour past the deadline (never less than the
        // rejected-answer retention), so a sold-out storm does not leave index keys behind for days; later
        // releases by order number fall back to the durable record.
        Duration untilDeadline = Duration.between(clock.instant(), c.expiresAt()).plusHours(1);
        Duration ttl = untilDeadline.compareTo(properties.rejectedAnswerRetention()) > 0 ? untilDeadline
                : properties.rejectedAnswerRetention();
        Mono<Boolean> index = redis.opsForValue().set(keys.orderSku(c.orderNo()), c.sku(), ttl);
        // The index is a helper: an empty reply from it must not swallow the script's answer.
        return Mono.zip(script, index.defaultIfEmpty(Boolean.FALSE), (result, indexed) -> result)
                .timeout(properties.redisTimeout());
    }

    private ReserveAnswer answer(ReserveCommand c, String buyer, String raw) {
        String[] parts = raw.split("\\|");
        String outcome = parts[0];
        long available = Math.max(0, Long.parseLong(parts[1]));
        int superseded = Integer.parseInt(parts[2]);
        boolean replay = "1".equals(parts[3]);
        switch (outcome) {
            case "UNAVAILABLE", "UNINITIALISED" -> throw new StockUnavailableException(c.sku(), "being rebuilt");
            case "STALE" -> throw new ReservationConflictException(c.orderNo(), c.attempt(), "a later attempt exists");
            case "RELEASED" -> throw new ReservationConflictException(c.orderNo(), c.attempt(),
                    "the order was released before this reservation arrived");
            case "CONFIRMED" -> throw new ReservationConflictException(c.orderNo(), c.attempt(), "the order is paid");
            default -> {
            }
        }
        ReservationOutcome result = ReservationOutcome.valueOf(outcome);
        if (!replay) {
            if (superseded > 0 && result != ReservationOutcome.RESERVED) {
                journal.record(new Reservation(c.orderNo(), superseded, c.sku(), c.quantity(), buyer, c.expiresAt(),
                        Reservation.RELEASED, false));
            }
            if (result == ReservationOutcome.RESERVED) {
                journal.record(new Reservation(c.orderNo(), c.attempt(), c.sku(), c.quantity(), buyer, c.expiresAt(),
                        Reservation.RESERVED, false));
            }
        }
        return new ReserveAnswer(c.orderNo(), c.attempt(), result, available, replay);
    }

    /**
     * Releases an order's live reservation (expired, cancelled, swept, given up by order-service). Idempotent. When
     * there is none yet, a tombstone (kept for the rejected-answer retention) makes a late first attempt of the
     * order reserve nothing: its caller gave up on it before it arrived.
     *
     * @param latestDeadline release only a reservation whose deadline is not after this (an order.expired must not
     *                       release a later re-reservation); null for any
     * @return whether this call released it
     */
    public Mono<Boolean> release(String sku, String orderNo, Instant latestDeadline, String reason) {
        List<String> scriptKeys = List.of(keys.stock(sku), keys.reservation(sku, orderNo), keys.buyers(sku),
                keys.pending(sku), keys.rebuilding(sku));
        List<String> args = List.of(orderNo, Long.toString(properties.reservationRetention().toMillis()),
                latestDeadline == null ? "" : Long.toString(latestDeadline.toEpochMilli()),
                Long.toString(properties.rejectedAnswerRetention().toMillis()));
        return redis.execute(scripts.release, scriptKeys, args).next().timeout(properties.redisTimeout()).flatMap(raw -> {
            String state = raw.substring(0, raw.indexOf('|'));
            switch (state) {
                case "UNAVAILABLE":
                    return Mono.error(new StockUnavailableException(sku, "being rebuilt"));
                case "NEWER", "FOUND_CONFIRMED":
                    return Mono.just(false);
                default:
                    // RELEASED now, or MISSING / already released / rejected: make the durable record agree.
                    return journal.flush().then(repository.markReleased(orderNo, latestDeadline, clock.instant()))
                            .map(rows -> {
                                boolean released = "RELEASED".equals(state);
                                if (released) {
                                    meters.counter("inventory.reservations.released", "reason", reason).increment();
                                    log.debug("released reservation order={} sku={} reason={}", orderNo, sku, reason);
                                }
                                return released;
                            });
            }
        });
    }

    /**
     * Releases by order number alone (the internal DELETE of older callers): the SKU comes from Redis or the durable
     * record. When neither knows the order yet, nothing is released and no tombstone is left; callers that know the
     * SKU should name it ({@link #release(String, String, Instant, String)}).
     */
    public Mono<Boolean> release(String orderNo) {
        return redis.opsForValue().get(keys.orderSku(orderNo)).timeout(properties.redisTimeout())
                .switchIfEmpty(Mono.defer(() -> journal.flush().then(repository.find(orderNo)).map(Reservation::sku)))
                .flatMap(sku -> release(sku, orderNo, null, "requested"))
                .defaultIfEmpty(false);
    }

    /** Marks the order's reservation paid in Redis (its units stay taken). Idempotent. */
    public Mono<String> confirm(String sku, String orderNo) {
        return redis.execute(scripts.confirm, List.of(keys.reservation(sku, orderNo), keys.pending(sku)),
                List.of(orderNo, Long.toString(properties.reservationRetention().toMillis()))).next().timeout(properties.redisTimeout());
    }
}
