package com.flashkey.inventory.config;

import java.time.Duration;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The batch consumer of order.placed ({@code flashkey.kafka.batch.*}).
 *
 * @param maxRecords   records per poll (max.poll.records); one journal write per poll
 * @param pollInterval pause between polls, so a poll gathers what arrived meanwhile: at most one fetch, one write
 *                     and one offset commit per interval, whatever the order rate
 */
@Validated
@ConfigurationProperties("flashkey.kafka.batch")
public record ConsumerBatchProperties(@DefaultValue("1000") @Min(1) @Max(10_000) int maxRecords,
        @DefaultValue("50ms") @NotNull Duration pollInterval) {
}
