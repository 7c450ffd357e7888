package com.flashkey.inventory.stock;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.stereotype.Service;

import com.flashkey.inventory.config.InventoryProperties;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Reserve, release and confirm: each one Lua script on the SKU's keys, so the check and the change are atomic and
 * idempotent (a batch of reservations costs one script call per SKU). The durable record follows: reservations are
 * queued to the {@link ReservationJournal} (write-behind), releases and confirmations are written to the database
 * before the caller hears back.
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
    private final String rejectedRetentionMillis;
    private final Map<ReservationOutcome, Counter[]> reservationCounters = new EnumMap<>(ReservationOutcome.class);
    private final Map<String, Counter> releasedCounters = new ConcurrentHashMap<>();

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
        this.rejectedRetentionMillis = Long.toString(properties.rejectedAnswerRetention().toMillis());
        // Created once: a registry lookup per reservation showed up in the profile.
        for (ReservationOutcome outcome : ReservationOutcome.values()) {
            reservationCounters.put(outcome, new Counter[] { reservationCounter(outcome, false),
                    reservationCounter(outcome, true) });
        }
    }

    private Counter reservationCounter(ReservationOutcome outcome, boolean replay) {
        return meters.counter("inventory.reservations", "outcome", outcome.name(), "replay", Boolean.toString(replay));
    }

    /** Reserves for one order; a failure is {@link StockUnavailableException} (503) or a conflict (409). */
    public Mono<ReserveAnswer> reserve(ReserveCommand command) {
        return reserveAll(List.of(command)).flatMap(results -> {
            ReserveResult result = results.get(0);
            return result.failure() == null ? Mono.just(result.answer()) : Mono.error(result.toException(command));
        });
    }

    /**
     * Reserves for many orders at once (order-service coalesces concurrent orders into one request): one script call
     * per SKU decides all of that SKU's reservations atomically, in the order given, so a batch costs a few Redis
     * round trips instead of one per order and oversells nothing. SKUs are reserved concurrently. The results come in
     * the order of {@code commands}; a failure concerns only its own reservation (or its SKU), never the batch.
     */
    public Mono<List<ReserveResult>> reserveAll(List<ReserveCommand> commands) {
        if (commands.isEmpty()) {
            return Mono.just(List.of());
        }
        return safety.safe().flatMap(safe -> {
            if (!safe) {
                return Mono.just(Collections.nCopies(commands.size(),
                        ReserveResult.failed(ReserveResult.Failure.UNAVAILABLE, "Redis is not running noeviction")));
            }
            if (journal.full()) {
                // The database is down or far behind: a reservation now would live in Redis and this heap only.
                return Mono.just(Collections.nCopies(commands.size(), ReserveResult.failed(
                        ReserveResult.Failure.UNAVAILABLE, "reservations are waiting for the database")));
            }
            Map<String, List<Integer>> bySku = new LinkedHashMap<>();
            for (int i = 0; i < commands.size(); i++) {
                bySku.computeIfAbsent(commands.get(i).sku(), sku -> new ArrayList<>()).add(i);
            }
            ReserveResult[] results = new ReserveResult[commands.size()];
            return Flux.fromIterable(bySku.entrySet())
                    .flatMap(group -> reserveSku(group.getKey(), group.getValue().stream().map(commands::get).toList())
                            .map(answers -> Map.entry(group.getValue(), answers)))
                    // Serialised by flatMap: each group fills its own slots.
                    .doOnNext(done -> {
                        for (int j = 0; j < done.getKey().size(); j++) {
                            results[done.getKey().get(j)] = done.getValue().get(j);
                        }
                    })
                    .then(Mono.fromSupplier(() -> Arrays.asList(results)));
        })
                // Never an empty answer (the HTTP layer would turn it into a 200 without a body): try again later.
                .switchIfEmpty(Mono.error(
                        () -> new StockUnavailableException(commands.get(0).sku(), "no answer from Redis")));
    }

    /** One SKU's reservations: one script call, and once more for those that found no counter, after a rebuild. */
    private Mono<List<ReserveResult>> reserveSku(String sku, List<ReserveCommand> commands) {
        List<String> buyers = commands.stream().map(c -> BuyerEmail.normalise(c.buyer())).toList();
        return runReserve(sku, commands, buyers).flatMap(raws -> {
            List<Integer> uninitialised = new ArrayList<>();
            for (int i = 0; i < raws.size(); i++) {
                if (raws.get(i).startsWith("UNINITIALISED|")) {
                    uninitialised.add(i);
                }
            }
            if (uninitialised.isEmpty()) {
                return Mono.just(raws);
            }
            // Redis has no counter for the SKU (first sale, or Redis lost its data): rebuild it from the database,
            // then try those once more. Callers meanwhile get 503, never a guess.
            return rebuilder.rebuild(sku).then(runReserve(sku, uninitialised.stream().map(commands::get).toList(),
                    uninitialised.stream().map(buyers::get).toList())).map(again -> {
                        List<String> merged = new ArrayList<>(raws);
                        for (int j = 0; j < uninitialised.size(); j++) {
                            merged.set(uninitialised.get(j), again.get(j));
                        }
                        return merged;
                    });
        }).map(raws -> {
            List<ReserveResult> results = new ArrayList<>(raws.size());
            for (int i = 0; i < raws.size(); i++) {
                results.add(answer(commands.get(i), buyers.get(i), raws.get(i)));
            }
            return results;
        }).onErrorResume(ex -> {
            // Redis timed out or failed, or the rebuild did: only this SKU's reservations fail, and they may be retried.
            log.warn("reservations of sku {} failed: {}", sku, ex.toString());
            return Mono.just(Collections.nCopies(commands.size(),
                    ReserveResult.failed(ReserveResult.Failure.UNAVAILABLE, "Redis did not answer")));
        });
    }

    private Mono<List<String>> runReserve(String sku, List<ReserveCommand> commands, List<String> buyers) {
        List<String> scriptKeys = new ArrayList<>(4 + commands.size());
        scriptKeys.add(keys.stock(sku));
        scriptKeys.add(keys.buyers(sku));
        scriptKeys.add(keys.pending(sku));
        scriptKeys.add(keys.rebuilding(sku));
        List<String> args = new ArrayList<>(1 + 8 * commands.size());
        args.add(rejectedRetentionMillis);
        for (int i = 0; i < commands.size(); i++) {
            ReserveCommand c = commands.get(i);
            scriptKeys.add(keys.reservation(sku, c.orderNo()));
            args.add(c.orderNo());
            args.add(Integer.toString(c.attempt()));
            args.add(Integer.toString(c.quantity()));
            args.add(buyers.get(i));
            args.add(Integer.toString(c.perBuyerLimit()));
            args.add(Long.toString(c.saleStartsAt().toEpochMilli()));
            args.add(Long.toString(c.saleEndsAt().toEpochMilli()));
            args.add(Long.toString(c.expiresAt().toEpochMilli()));
        }
        return redis.execute(scripts.reserve, scriptKeys, args)
                // Depending on the driver a multi-bulk reply arrives as one list or element by element.
                .concatMapIterable(reply -> reply instanceof List<?> list ? list : List.of(reply))
                .map(String::valueOf)
                .collectList()
                .timeout(properties.redisTimeout())
                .flatMap(raws -> raws.size() == commands.size() ? Mono.just(raws)
                        : Mono.error(new IllegalStateException("the reserve script answered " + raws.size() + " of "
                                + commands.size() + " reservations")));
    }

    private ReserveResult answer(ReserveCommand c, String buyer, String raw) {
        String[] parts = raw.split("\\|");
        String outcome = parts[0];
        switch (outcome) {
            case "UNAVAILABLE", "UNINITIALISED":
                return ReserveResult.failed(ReserveResult.Failure.UNAVAILABLE, "being rebuilt");
            case "STALE":
                return ReserveResult.failed(ReserveResult.Failure.CONFLICT, "a later attempt exists");
            case "RELEASED":
                return ReserveResult.failed(ReserveResult.Failure.CONFLICT,
                        "the order was released before this reservation arrived");
            case "CONFIRMED":
                return ReserveResult.failed(ReserveResult.Failure.CONFLICT, "the order is paid");
            default:
                break;
        }
        long available = Math.max(0, Long.parseLong(parts[1]));
        int superseded = Integer.parseInt(parts[2]);
        boolean replay = "1".equals(parts[3]);
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
        reservationCounters.get(result)[replay ? 1 : 0].increment();
        return ReserveResult.of(new ReserveAnswer(c.orderNo(), c.attempt(), result, available, replay));
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
                                    releasedCounters.computeIfAbsent(reason,
                                            r -> meters.counter("inventory.reservations.released", "reason", r))
                                            .increment();
                                    log.debug("released reservation order={} sku={} reason={}", orderNo, sku, reason);
                                }
                                return released;
                            });
            }
        });
    }

    /**
     * Releases by order number alone (the internal DELETE of older callers): the SKU comes from the durable record.
     * When it does not know the order yet (another replica's write-behind has not landed), nothing is released and no
     * tombstone is left; callers that know the SKU should name it ({@link #release(String, String, Instant, String)}).
     */
    public Mono<Boolean> release(String orderNo) {
        // The durable record knows the SKU once this process's queued records are written.
        return journal.flush().then(repository.find(orderNo)).map(Reservation::sku)
                .flatMap(sku -> release(sku, orderNo, null, "requested"))
                .defaultIfEmpty(false);
    }

    /** Marks the order's reservation paid in Redis (its units stay taken). Idempotent. */
    public Mono<String> confirm(String sku, String orderNo) {
        return redis.execute(scripts.confirm, List.of(keys.reservation(sku, orderNo), keys.pending(sku)),
                List.of(orderNo, Long.toString(properties.reservationRetention().toMillis()))).next().timeout(properties.redisTimeout());
    }
}
