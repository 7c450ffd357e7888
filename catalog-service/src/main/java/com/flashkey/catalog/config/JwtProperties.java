package com.flashkey.catalog.config;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * The shared {@code flashkey.security.*} settings.
 *
 * @param jwtSecret HS256 key of admin tokens (UTF-8 bytes, at least 32); the default is for local runs only
 */
@Validated
@ConfigurationProperties("flashkey.security")
public record JwtProperties(@NotBlank @Size(min = 32) String jwtSecret) {
}
