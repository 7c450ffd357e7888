package com.flashkey.catalog.config;

import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * The shared {@code flashkey.redis.*} settings.
 *
 * @param keyPrefix prefix of every Redis key and channel this service uses (tests give each class its own)
 */
@Validated
@ConfigurationProperties("flashkey.redis")
public record RedisKeyProperties(@NotNull String keyPrefix) {
}
