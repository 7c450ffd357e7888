package com.flashkey.inventory.config;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of inventory-service ({@code flashkey.inventory.*}).
 *
 * @param catalogUrl               base URL of catalog-service, read for sale windows of the public stock view
 * @param catalogTimeout           timeout of one catalog call
 * @param catalogCacheTtl          how long a catalog answer is reused by the stock view
 * @param codes                    at-rest encryption of card codes
 * @param importMaxCodes           most codes one import may carry
 * @param importMaxCodeLength      longest accepted code, in characters
 * @param importChunkRows          rows per multi-row INSERT during an import
 * @param reservationRetention     how long a finished reservation's answer stays in Redis for replays
 * @param rejectedAnswerRetention  how long a rejected reservation answer stays in Redis for replays
 * @param journalInterval          how often reservations are written behind to the database
 * @param journalBatchRows         most reservations written in one statement
 * @param journalMaxQueued         most reservations waiting for the database (it is down or behind); beyond, reserve
 *                                 answers 503 rather than hold stock whose record only this process's memory has
 * @param rebuildOnStartup         rebuild every SKU's counters from the database when the service starts
 * @param rebuildFlagTtl           safety expiry of a SKU's "rebuilding" flag should a rebuild die half-way
 * @param sweepInterval            how often the sweeper looks for reservations past their deadline
 * @param sweepGrace               how long past its deadline a reservation must be before the sweeper acts
 * @param orphanGrace              how long after its last write a reservation whose order.placed was never recorded
 *                                 counts as orphaned (longer than order-service's Kafka send timeout)
 * @param orphanSweepInterval      how often the orphan sweep looks for such reservations
 * @param reconcileInterval        how often counters are compared with the database
 * @param outboxInterval           how often the outbox relay polls
 * @param outboxKeepSent           how long a sent outbox row stays before the retention loop deletes it
 * @param topicPartitions          partitions of the topics this service creates
 * @param requireNoeviction        refuse reservations unless Redis runs {@code maxmemory-policy noeviction}
 * @param redisTimeout             timeout of one Redis call (script or command)
 */
@Validated
@ConfigurationProperties("flashkey.inventory")
public record InventoryProperties(@NotNull URI catalogUrl, @NotNull Duration catalogTimeout,
        @NotNull Duration catalogCacheTtl, @Valid @NotNull Codes codes, @Min(1) @Max(1_000_000) int importMaxCodes,
        @Min(8) @Max(1000) int importMaxCodeLength, @Min(1) @Max(5000) int importChunkRows,
        @NotNull Duration reservationRetention, @NotNull Duration rejectedAnswerRetention,
        @NotNull Duration journalInterval, @Min(1) @Max(5000) int journalBatchRows, @Min(1) int journalMaxQueued,
        boolean rebuildOnStartup,
        @NotNull Duration rebuildFlagTtl, @NotNull Duration sweepInterval, @NotNull Duration sweepGrace,
        @NotNull Duration orphanGrace, @NotNull Duration orphanSweepInterval,
        @NotNull Duration reconcileInterval, @NotNull Duration outboxInterval, @NotNull Duration outboxKeepSent,
        @Min(1) int topicPartitions,
        boolean requireNoeviction, @NotNull Duration redisTimeout) {

    /**
     * At-rest encryption of card codes.
     *
     * @param activeKeyId id of the key new codes are encrypted with
     * @param keys        every key id still in use mapped to a base64 256-bit AES key
     * @param hmacKey     base64 key of the HMAC-SHA256 that detects duplicate codes
     */
    public record Codes(@NotBlank String activeKeyId, @NotEmpty Map<String, String> keys, @NotBlank String hmacKey) {

        @Override
        public String toString() {
            return "Codes[activeKeyId=" + activeKeyId + ", keys=" + keys.keySet() + "]";
        }
    }
}
