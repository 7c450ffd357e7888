package com.flashkey.order.config;

import java.util.Map;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * The settings every FlashKey service shares ({@code flashkey.redis.*}, {@code flashkey.kafka.*},
 * {@code flashkey.delivery.*}).
 *
 * @param redis    Redis key prefix; every key of this service starts with it
 * @param kafka    topic prefix; empty in production
 * @param delivery keys that open sealed card codes for the lookup response
 */
@Validated
@ConfigurationProperties("flashkey")
public record FlashkeyProperties(@NotNull Redis redis, @NotNull Kafka kafka, @NotNull Delivery delivery) {

    /** @param keyPrefix prefix of every Redis key this service writes */
    public record Redis(@NotNull String keyPrefix) {
    }

    /** @param topicPrefix prefix of every topic name */
    public record Kafka(String topicPrefix) {

        public Kafka {
            topicPrefix = topicPrefix == null ? "" : topicPrefix;
        }
    }

    /**
     * @param activeKeyId id of the key that seals (order-service only opens)
     * @param keys        key id to base64 of 32 bytes
     */
    public record Delivery(@NotBlank String activeKeyId, @NotEmpty Map<String, String> keys) {
    }
}
