package com.flashkey.order.config;

import java.time.Duration;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Admin tokens ({@code flashkey.security.*}), the same settings as in the gateway, catalog and inventory.
 *
 * @param jwtSecret        HS256 secret (UTF-8) of admin JWTs; at least 32 bytes
 * @param audience         the {@code aud} claim of an admin JWT must contain this value
 * @param maxTokenLifetime longest accepted {@code exp - iat}; a token without {@code exp} or {@code iat} is refused
 */
@Validated
@ConfigurationProperties("flashkey.security")
public record SecurityProperties(@NotBlank @Size(min = 32) String jwtSecret, @NotBlank String audience,
        @NotNull @DurationMin(seconds = 1) Duration maxTokenLifetime) {

    @Override
    public String toString() {
        return "SecurityProperties[jwtSecret=***, audience=" + audience + ", maxTokenLifetime=" + maxTokenLifetime + "]";
    }
}
