package com.flashkey.payment.notification;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;

import com.flashkey.contracts.loop.PeriodicLoop;

import reactor.core.publisher.Mono;

/**
 * Moves published rows RECEIVED -> PUBLISHED in batches (one UPDATE at most every 50 ms while marks come in, nothing
 * at all while none do), so an accepted callback costs one commit in the request path instead of two. The mark is
 * bookkeeping, not the record: the payment was inserted and Kafka acknowledged it before the answer. Until the mark
 * lands the row's publish lease stops other copies from publishing; if the process dies first, the relay
 * republishes after the lease, and consumers drop that copy by its event id.
 */
@Component
public class PublishedMarks implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(PublishedMarks.class);
    private static final int BATCH = 1000;
    private static final Duration WRITE_BEHIND = Duration.ofMillis(50);

    private final DatabaseClient db;
    private final Clock clock;
    private final Queue<Long> queue = new ConcurrentLinkedQueue<>();
    private final PeriodicLoop loop;

    PublishedMarks(DatabaseClient db, Clock clock) {
        this.db = db;
        this.clock = clock;
        this.loop = new PeriodicLoop(PeriodicLoop.Pace.onDemand(WRITE_BEHIND, Duration.ofSeconds(5)), this::write,
                // Kept for the next pass; if they never land, the relay republishes (a deduplicated copy).
                ex -> log.warn("could not mark {} payments published, retrying: {}", queue.size(), ex.toString()));
    }

    void addAll(List<Long> ids) {
        if (!ids.isEmpty()) {
            queue.addAll(ids);
            loop.wakeWithin(WRITE_BEHIND);
        }
    }

    /** Writes what is queued now; completes when it is written (tests, shutdown). */
    public Mono<Void> flush() {
        return write().then();
    }

    /** Writes queued marks until the queue is empty; emits how many; on failure they stay queued. */
    private Mono<Long> write() {
        return Mono.defer(() -> {
            List<Long> ids = new ArrayList<>();
            Long id;
            while (ids.size() < BATCH && (id = queue.poll()) != null) {
                ids.add(id);
            }
            if (ids.isEmpty()) {
                return Mono.just(0L);
            }
            return db.sql("UPDATE payment_notifications SET state = 'PUBLISHED', published_at = :now, "
                            + "lease_until = NULL WHERE state = 'RECEIVED' AND id IN (:ids)")
                    .bind("now", clock.instant()).bind("ids", ids)
                    .fetch().rowsUpdated()
                    .onErrorResume(ex -> {
                        queue.addAll(ids);
                        return Mono.error(ex);
                    })
                    .then(Mono.defer(() -> queue.isEmpty() ? Mono.just(0L) : write()))
                    .map(more -> more + ids.size());
        });
    }

    @Override
    public void start() {
        loop.start();
    }

    @Override
    public void stop(Runnable callback) {
        loop.stop();
        // What is queued now would otherwise wait for the relay to be republished after a restart.
        flush().timeout(Duration.ofSeconds(5)).onErrorResume(ex -> Mono.empty())
                .doFinally(signal -> callback.run()).subscribe();
    }

    @Override
    public void stop() {
        stop(() -> { });
    }

    @Override
    public boolean isRunning() {
        return loop.isRunning();
    }

    /** Started before the web server takes traffic and stopped after it stopped (its graceful shutdown included). */
    @Override
    public int getPhase() {
        return WebhookAudit.WRITE_BEHIND_PHASE;
    }
}
