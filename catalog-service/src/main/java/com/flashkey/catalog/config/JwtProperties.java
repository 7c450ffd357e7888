package com.flashkey.catalog.config;

import java.time.Duration;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * The shared {@code flashkey.security.*} settings.
 *
 * @param jwtSecret HS256 key of admin tokens (UTF-8 bytes, at least 32); the default is for local runs only
 * @param audience the {@code aud} claim of an admin token must contain this value
 * @param maxTokenLifetime longest accepted {@code exp - iat}; a token without {@code exp} or {@code iat} is refused
 */
@Validated
@ConfigurationProperties("flashkey.security")
public record JwtProperties(@NotBlank @Size(min = 32) String jwtSecret, @NotBlank String audience,
        @NotNull @DurationMin(seconds = 1) Duration maxTokenLifetime) {

    @Override
    public String toString() {
        return "JwtProperties[jwtSecret=***, audience=" + audience + ", maxTokenLifetime=" + maxTokenLifetime + "]";
    }
}
