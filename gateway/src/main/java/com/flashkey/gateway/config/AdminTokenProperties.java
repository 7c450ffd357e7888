package com.flashkey.gateway.config;

import java.time.Duration;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;

import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * The admin token settings every FlashKey service shares ({@code flashkey.security.*}); the issuer and the JWK set
 * are the gateway's own ({@link GatewayProperties.Security}).
 *
 * @param jwtSecret HS256 key of admin tokens (UTF-8 bytes, at least 32) when no JWK set is configured; the default
 *        is for local runs only
 * @param audience the {@code aud} claim must contain this value
 * @param maxTokenLifetime longest accepted {@code exp - iat}; a token without {@code exp} or {@code iat} is refused
 */
@Validated
@ConfigurationProperties("flashkey.security")
public record AdminTokenProperties(@NotBlank String jwtSecret, @NotBlank String audience,
        @NotNull @DurationMin(seconds = 1) Duration maxTokenLifetime) {

    @Override
    public String toString() {
        return "AdminTokenProperties[jwtSecret=***, audience=" + audience + ", maxTokenLifetime=" + maxTokenLifetime
                + "]";
    }
}
