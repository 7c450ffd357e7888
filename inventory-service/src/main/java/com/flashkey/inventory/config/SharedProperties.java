package com.flashkey.inventory.config;

import java.time.Duration;
import java.util.Map;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/** Settings every FlashKey service shares. */
public final class SharedProperties {

    private SharedProperties() {
    }

    /** @param keyPrefix prefix of every Redis key this service writes */
    @Validated
    @ConfigurationProperties("flashkey.redis")
    public record Redis(@NotBlank String keyPrefix) {
    }

    /** @param topicPrefix prefix of every topic name; empty in production */
    @Validated
    @ConfigurationProperties("flashkey.kafka")
    public record Kafka(@NotNull String topicPrefix) {
    }

    /**
     * @param jwtSecret        HS256 secret (UTF-8) of admin JWTs; at least 32 bytes
     * @param audience         the {@code aud} claim of an admin JWT must contain this value
     * @param maxTokenLifetime longest accepted {@code exp - iat}; a token without {@code exp} or {@code iat} is refused
     */
    @Validated
    @ConfigurationProperties("flashkey.security")
    public record Security(@NotBlank @Size(min = 32) String jwtSecret, @NotBlank String audience,
            @NotNull @DurationMin(seconds = 1) Duration maxTokenLifetime) {

        @Override
        public String toString() {
            return "Security[jwtSecret=***, audience=" + audience + ", maxTokenLifetime=" + maxTokenLifetime + "]";
        }
    }

    /**
     * @param activeKeyId delivery key that seals codes for Kafka
     * @param keys        delivery key ids mapped to base64 256-bit keys
     */
    @Validated
    @ConfigurationProperties("flashkey.delivery")
    public record Delivery(@NotBlank String activeKeyId, @NotEmpty Map<String, String> keys) {

        @Override
        public String toString() {
            return "Delivery[activeKeyId=" + activeKeyId + ", keys=" + keys.keySet() + "]";
        }
    }
}
