package com.flashkey.notification.config;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of notification-service ({@code flashkey.notification.*}).
 *
 * @param orderPageUrl   base of the order lookup link in e-mails; the link is {@code {orderPageUrl}/{orderNo}}
 * @param defaultLocale  locale used when an event carries none or one without templates ({@code en} or {@code zh-CN})
 * @param partitions     partitions of the topics this service declares (order.delivered, notification.failed,
 *                       retry and dead-letter topics)
 * @param listenerConcurrency consumer threads of the delivery listener (each hands deliveries off asynchronously)
 * @param maxInFlight  deliveries running at once (claim, SMTP, log); more wait in a queue. Keep near the R2DBC pool size
 * @param claimLease     how long a "sending" claim in the sent-message log protects a delivery in flight; a claim
 *                       older than this is taken over (after a crash) and the delivery is recorded as a possible duplicate
 * @param relayInterval  how often sent messages whose order.delivered event is still unpublished are swept and published
 * @param mail           the e-mail channel
 * @param retry          non-blocking retry topics (read by the listener's {@code @RetryableTopic} through placeholders)
 * @param sms            the SMS channel
 * @param keepSent       how long a settled row of the sent-message log stays; after that a replayed event would
 *                       send again, so keep it well past Kafka's retention
 */
@Validated
@ConfigurationProperties("flashkey.notification")
public record NotificationProperties(@NotNull URI orderPageUrl, @NotBlank String defaultLocale, @Min(1) int partitions,
        @Min(1) int listenerConcurrency, @Min(1) int maxInFlight, @NotNull Duration claimLease, @NotNull Duration relayInterval, @Valid @NotNull Mail mail,
        @Valid @NotNull Retry retry, @Valid @NotNull Sms sms, @NotNull Duration keepSent) {

    /**
     * @param from        sender address, e.g. {@code FlashKey <no-reply@example.com>}
     * @param subjects    subject per locale; a Mustache template that may use {@code {{orderNo}}}
     * @param sendTimeout upper bound of one SMTP send, on top of the JavaMail socket timeouts (and of the wait for a
     *                    free connection)
     * @param connections the kept SMTP connections
     */
    public record Mail(@NotBlank String from, @NotEmpty Map<String, String> subjects, @NotNull Duration sendTimeout,
            @Valid @NotNull Connections connections) {
    }

    /**
     * @param max         SMTP connections open at once; sends beyond wait for one
     * @param maxMessages mails sent on one connection before it is closed (servers cap messages per session)
     * @param maxAge      a connection older than this is closed instead of reused
     * @param maxIdle     a connection unused this long is closed
     */
    public record Connections(@Min(1) int max, @Min(1) int maxMessages, @NotNull Duration maxAge,
            @NotNull Duration maxIdle) {
    }

    /**
     * @param attempts     deliveries tried in all (the first plus retries) before the dead-letter topic
     * @param initialDelay back-off before the first retry
     * @param multiplier   back-off growth per retry
     * @param maxDelay     back-off ceiling
     * @param concurrency  consumers per retry-level and dead-letter container (each level is a container of its own)
     */
    public record Retry(@Min(1) int attempts, @NotNull Duration initialDelay, @DecimalMin("1.0") double multiplier,
            @NotNull Duration maxDelay, @Min(1) int concurrency) {
    }

    /**
     * @param enabled  off by default; when on, an HTTP SMS provider is called
     * @param url      the provider's send endpoint (POST, JSON {@code {to, text}})
     * @param token    bearer token for the provider (from a Secret in production)
     * @param timeout  upper bound of one provider call
     * @param messages SMS text per locale (never the codes); a Mustache template that may use {@code {{orderNo}}}
     */
    public record Sms(boolean enabled, URI url, String token, @NotNull Duration timeout,
            @NotEmpty Map<String, String> messages) {
    }
}
