package com.flashkey.payment.notification;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import reactor.core.publisher.Mono;

/**
 * Moves published rows RECEIVED -> PUBLISHED in batches (one UPDATE every 50 ms), so an accepted callback costs one
 * commit in the request path instead of two. The mark is bookkeeping, not the record: the payment was inserted and
 * Kafka acknowledged it before the answer. Until the mark lands the row's publish lease stops other copies from
 * publishing; if the process dies first, the relay republishes after the lease, and consumers drop that copy by its
 * event id.
 */
@Component
public class PublishedMarks {

    private static final Logger log = LoggerFactory.getLogger(PublishedMarks.class);
    private static final int BATCH = 1000;

    private final DatabaseClient db;
    private final Clock clock;
    private final Queue<Long> queue = new ConcurrentLinkedQueue<>();

    PublishedMarks(DatabaseClient db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    void add(long id) {
        queue.add(id);
    }

    /** Writes queued marks; the scheduler waits for the returned Mono before the next pass. */
    @Scheduled(fixedDelay = 50)
    public Mono<Void> flush() {
        return Mono.defer(() -> {
            List<Long> ids = new ArrayList<>();
            Long id;
            while (ids.size() < BATCH && (id = queue.poll()) != null) {
                ids.add(id);
            }
            if (ids.isEmpty()) {
                return Mono.empty();
            }
            return db.sql("UPDATE payment_notifications SET state = 'PUBLISHED', published_at = :now, "
                            + "lease_until = NULL WHERE state = 'RECEIVED' AND id IN (:ids)")
                    .bind("now", clock.instant()).bind("ids", ids)
                    .fetch().rowsUpdated()
                    .then(Mono.defer(() -> queue.isEmpty() ? Mono.<Void>empty() : flush()))
                    .onErrorResume(ex -> {
                        // Kept for the next pass; if they never land, the relay republishes (a deduplicated copy).
                        log.warn("could not mark {} payments published, retrying: {}", ids.size(), ex.getMessage());
                        queue.addAll(ids);
                        return Mono.empty();
                    });
        });
    }
}
