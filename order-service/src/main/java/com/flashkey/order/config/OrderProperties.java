package com.flashkey.order.config;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Configuration of order-service ({@code flashkey.order.*}).
 *
 * @param catalogUrl        base URL of catalog-service (reads {@code GET /api/products/{sku}})
 * @param inventoryUrl      base URL of inventory-service (its {@code /internal/reservations} API)
 * @param paymentPageUrl    payment page; the 202 answer links {@code <url>?orderNo=...}
 * @param paymentProvider   provider name shown in the 202 answer
 * @param paymentTimeout    how long an order waits for payment: the deadline shown to the buyer
 * @param paymentGrace      how long after that deadline an unpaid order still accepts a payment before it expires
 *                          and its stock goes back (providers notify a few seconds late); 0 expires at the deadline
 * @param catalogTimeout    timeout of one catalog call
 * @param catalogCacheTtl   how long a product read from catalog is reused
 * @param inventoryTimeout  timeout of one inventory call
 * @param kafkaSendTimeout  upper bound on waiting for Kafka to acknowledge order.placed; keep it above the
 *                          producer's delivery.timeout.ms so the answer is definitive before a release
 * @param placedRecordTtl   life of the Redis placed-order record that answers lookups until the row lands
 * @param idempotencyTtl    how long an Idempotency-Key and its answer are remembered
 * @param idempotencyLease  how long an in-flight request holds its key before another may take over
 * @param idempotencyWait   how long a concurrent duplicate waits for the first request's answer
 * @param topicPartitions   partitions of the topics this service creates
 * @param soldOutTtl        how long a SKU that inventory reported empty is refused here without asking inventory
 *                          (0 turns the local sold-out flag off); stock that comes back waits at most this long
 * @param warmUp            the start-up warm-up that runs before the service reports ready
 * @param reserveBatch      how concurrent reservations share requests to inventory
 */
@Validated
@ConfigurationProperties("flashkey.order")
public record OrderProperties(@NotNull URI catalogUrl, @NotNull URI inventoryUrl, @NotNull URI paymentPageUrl,
        @NotBlank String paymentProvider, @NotNull Duration paymentTimeout,
        @NotNull @DurationMin(seconds = 0) Duration paymentGrace, @NotNull Duration catalogTimeout,
        @NotNull Duration catalogCacheTtl, @NotNull Duration inventoryTimeout, @NotNull Duration kafkaSendTimeout,
        @NotNull Duration placedRecordTtl, @NotNull Duration idempotencyTtl, @NotNull Duration idempotencyLease,
        @NotNull Duration idempotencyWait, @Min(1) int topicPartitions, @Valid @NotNull Shards shards,
        @Valid @NotNull Ingest ingest, @Valid @NotNull Events events, @Valid @NotNull Outbox outbox,
        @Valid @NotNull Expiry expiry, @Valid @NotNull Limits limits, @NotNull Duration soldOutTtl,
        @Valid @NotNull WarmUp warmUp, @Valid @NotNull ReserveBatch reserveBatch) {

    /**
     * The shard databases {@code orders_0..orders_{count-1}}.
     *
     * @param count           number of shards; the shard index is encoded in every order number
     * @param username        database user of every shard
     * @param password        database password of every shard
     * @param r2dbcUrl        R2DBC URL template; {@code {shard}} is replaced by the index
     * @param jdbcUrl         JDBC URL template used by Flyway at start-up; {@code {shard}} as above
     * @param poolInitialSize connections opened per shard at start
     * @param poolMaxSize     connections per shard at most
     * @param overrides       per-shard URLs that replace the templates (a shard on another host)
     */
    public record Shards(@Min(1) @Max(1296) int count, @NotNull String username, String password,
            @NotBlank String r2dbcUrl, @NotBlank String jdbcUrl, @Min(0) int poolInitialSize, @Min(1) int poolMaxSize,
            Map<Integer, ShardUrls> overrides) {

        public Shards {
            overrides = overrides == null ? Map.of() : Map.copyOf(overrides);
            password = password == null ? "" : password;
        }

        public String r2dbcUrlOf(int shard) {
            ShardUrls o = overrides.get(shard);
            return o != null && o.r2dbcUrl() != null ? o.r2dbcUrl() : r2dbcUrl.replace("{shard}", Integer.toString(shard));
        }

        public String jdbcUrlOf(int shard) {
            ShardUrls o = overrides.get(shard);
            return o != null && o.jdbcUrl() != null ? o.jdbcUrl() : jdbcUrl.replace("{shard}", Integer.toString(shard));
        }
    }

    /** URLs of one shard that replace the templates. */
    public record ShardUrls(String r2dbcUrl, String jdbcUrl) {
    }

    /**
     * The consumer that drains order.placed into the shards.
     *
     * @param batchSize    records per poll (max.poll.records); one multi-row insert per shard per batch
     * @param concurrency  consumer threads
     * @param pollInterval pause between polls, so a poll gathers what arrived meanwhile (one fetch, one insert per
     *                     shard and one offset commit per interval at most); an order's row lands that much later
     */
    public record Ingest(@Min(1) int batchSize, @Min(1) int concurrency, @NotNull Duration pollInterval) {
    }

    /**
     * Handling of payment.succeeded, keys.allocated and allocation.failed.
     *
     * @param retryAttempts retries (with exponential backoff) before a record goes to its dead-letter topic
     * @param retryBackoff  first backoff
     */
    public record Events(@Min(0) int retryAttempts, @NotNull Duration retryBackoff) {
    }

    /**
     * The relay that publishes each shard's outbox.
     *
     * @param pollInterval pause between polls of one shard when it had nothing to send
     * @param batchSize    rows claimed per poll
     * @param keepSent     how long a sent row stays (audits, a replay by hand) before the retention loop deletes it
     */
    public record Outbox(@NotNull Duration pollInterval, @Min(1) int batchSize, @NotNull Duration keepSent) {
    }

    /**
     * Expiry of unpaid orders.
     *
     * @param pollInterval pause between index reads of one shard
     * @param batchSize    orders expired per read
     */
    public record Expiry(@NotNull Duration pollInterval, @Min(1) int batchSize) {
    }

    /**
     * Rate limits of the public lookup.
     *
     * @param lookupsPerMinute         lookups, cancellations and resend requests per client per minute
     * @param lookupsPerOrderPerMinute the same requests per order number per minute, whichever clients send them: each
     *                                 checks the contact e-mail, so many clients (addresses are cheap) must not get
     *                                 more guesses at one order than this
     * @param resendsPerHour           resend requests per order per hour
     */
    public record Limits(@Min(1) int lookupsPerMinute, @DefaultValue("30") @Min(1) int lookupsPerOrderPerMinute,
            @Min(1) int resendsPerHour) {
    }

    /**
     * Start-up warm-up: before readiness turns UP, the placement path's code (inventory reserve and release, the
     * order endpoint, JSON, Redis) runs {@code requests} times against {@code sku}, a SKU no sale uses, so the first
     * real buyers meet compiled code and open connections instead of a cold JVM whose first calls outlast the
     * inventory timeout.
     *
     * @param enabled     off in tests that count inventory calls
     * @param requests    rounds of warm-up calls
     * @param concurrency rounds in flight at once
     * @param sku         a SKU that is never on sale: inventory answers it without touching real stock
     * @param maxDuration the warm-up gives up after this (readiness then turns UP anyway, with a warning)
     */
    public record WarmUp(boolean enabled, @Min(0) int requests, @Min(1) int concurrency,
            @NotBlank @Pattern(regexp = "[A-Z0-9][A-Z0-9-]{1,39}") String sku, @NotNull Duration maxDuration) {
    }

    /**
     * Reservations go to inventory in batches: one is sent at once while fewer than {@code maxInFlight} batches are
     * on their way; otherwise it waits for a free slot with everything else that arrives meanwhile, and they travel
     * together (at most {@code maxSize} per request). Light load adds no wait; a flash sale pays one request per
     * batch instead of per order.
     *
     * @param maxSize     reservations per request at most (inventory accepts up to 1000)
     * @param maxInFlight batches on their way to inventory at once
     */
    public record ReserveBatch(@Min(1) @Max(1000) int maxSize, @Min(1) @Max(64) int maxInFlight) {
    }
}
