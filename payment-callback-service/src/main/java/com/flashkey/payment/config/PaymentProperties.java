package com.flashkey.payment.config;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Configuration of payment-callback-service ({@code flashkey.payment.*}).
 *
 * @param maxBodySize    largest webhook body accepted; larger ones are refused (413) before parsing
 * @param publishTimeout how long a webhook waits for Kafka to acknowledge payment.succeeded before answering 503
 * @param dbTimeout      how long a webhook waits for the database before answering 503
 * @param lease          how long a publish in flight keeps other copies of the same event from publishing it
 * @param retryAfter     the {@code Retry-After} sent with every 503
 * @param partitions     partitions of the topics this service declares
 * @param providers      the payment providers and their merchant secrets
 * @param groupCommit    how callbacks' rows are grouped into multi-row inserts
 * @param relay          the job that publishes recorded notifications whose publish failed
 * @param reconciliation the job that asks the provider about orders still unpaid
 * @param simulator      the local payment simulator (profiles {@code local}, {@code demo})
 * @param warmUp         the start-up warm-up that readiness waits for
 * @param auditRetention how long a webhook attempt stays in the audit table before the retention loop deletes it
 */
@Validated
@ConfigurationProperties("flashkey.payment")
public record PaymentProperties(@NotNull DataSize maxBodySize, @NotNull Duration publishTimeout,
        @NotNull Duration dbTimeout, @NotNull Duration lease, @NotNull Duration retryAfter,
        @Min(1) int partitions, @Valid @NotNull Providers providers, @Valid @NotNull GroupCommit groupCommit, @Valid @NotNull Relay relay,
        @Valid @NotNull Reconciliation reconciliation, @Valid @NotNull Simulator simulator,
        @Valid @NotNull WarmUp warmUp, @NotNull Duration auditRetention) {

    /**
     * @param simpay the Stripe-like HMAC scheme
     * @param epay   the 易支付 form-and-MD5 scheme
     */
    public record Providers(@Valid @NotNull Simpay simpay, @Valid @NotNull Epay epay) {
    }

    /**
     * @param enabled   whether {@code /webhooks/payments/simpay} exists (404 otherwise)
     * @param secrets   signing secrets; several during a rotation, the first one signs (simulator)
     * @param tolerance largest accepted distance between the signed timestamp and now, either way
     */
    public record Simpay(boolean enabled, @NotEmpty List<@NotBlank String> secrets, @NotNull Duration tolerance) {

        @Override
        public String toString() {
            // Secrets never reach a log line, not even through a properties dump.
            return "Simpay[enabled=" + enabled + ", secrets=" + secrets.size() + " redacted, tolerance=" + tolerance + "]";
        }
    }

    /**
     * @param enabled  whether {@code /webhooks/payments/epay} exists (404 otherwise); off unless configured
     * @param pid      our merchant id at the provider; notifications for another pid are refused
     * @param key      the merchant key appended to the signed string; required while enabled (StartupCheck)
     * @param currency the currency of every epay amount
     */
    public record Epay(boolean enabled, @NotBlank String pid, String key,
            @NotNull @Pattern(regexp = "[A-Z]{3}") String currency) {

        @Override
        public String toString() {
            return "Epay[enabled=" + enabled + ", pid=" + pid + ", key=redacted, currency=" + currency + "]";
        }
    }

    /**
     * @param maxRows     most callbacks recorded by one multi-row insert
     * @param maxInFlight most such inserts running at once; callbacks arriving meanwhile wait and form the next one
     *                    (keep it below the R2DBC pool size, which the duplicate path and the jobs also use)
     */
    public record GroupCommit(@Min(1) @Max(1000) int maxRows, @Min(1) @Max(64) int maxInFlight) {
    }

    /**
     * @param enabled      whether the relay runs
     * @param interval     pause between relay passes while they find rows to publish
     * @param idleInterval longest pause while they find none (the pause doubles up to it)
     * @param batchSize    rows claimed per statement
     */
    public record Relay(boolean enabled, @NotNull Duration interval, @NotNull Duration idleInterval,
            @Min(1) @Max(1000) int batchSize) {
    }

    /**
     * @param enabled      whether reconciliation runs
     * @param pendingAfter an order unpaid for longer than this is asked about
     * @param interval     pause between passes
     * @param batchSize    orders asked about per pass
     * @param queryUrl     the provider's payment query API; {@code GET {queryUrl}/{orderNo}}; required while enabled
     *                     (StartupCheck), no default outside the local profile
     * @param timeout      timeout of one query
     * @param closeAfter   how long after its expiry an unpaid order is still asked about, then forgotten
     */
    public record Reconciliation(boolean enabled, @NotNull Duration pendingAfter, @NotNull Duration interval,
            @Min(1) @Max(1000) int batchSize, URI queryUrl, @NotNull Duration timeout,
            @NotNull Duration closeAfter) {
    }

    /**
     * @param webhookUrl   where the simulator delivers; blank = this service's own simpay webhook
     * @param maxAttempts  deliveries tried before the simulator gives up
     * @param firstBackoff pause before the first retry; doubles each retry, with jitter
     * @param maxBackoff   longest pause between retries
     * @param timeout      timeout of one delivery
     */
    public record Simulator(String webhookUrl, @Min(1) @Max(20) int maxAttempts, @NotNull Duration firstBackoff,
            @NotNull Duration maxBackoff, @NotNull Duration timeout) {
    }

    /**
     * @param enabled     whether readiness waits for a warm-up of the webhook path after start
     * @param requests    signed, ignored webhooks the service sends itself (a tenth as many rolled-back inserts)
     * @param concurrency of them at once
     * @param maxDuration readiness turns UP after this at the latest, warm or not
     */
    public record WarmUp(boolean enabled, @Min(0) int requests, @Min(1) @Max(256) int concurrency,
            @NotNull Duration maxDuration) {
    }
}
