package com.flashkey.notification.config;

import java.util.Map;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Delivery keys that open sealed card codes ({@code flashkey.delivery.*}), shared with inventory and order.
 *
 * @param activeKeyId id of the key producers seal with
 * @param keys        every key id still in use mapped to a base64 256-bit key (from a Secret in production)
 */
@Validated
@ConfigurationProperties("flashkey.delivery")
public record DeliveryKeyProperties(@NotBlank String activeKeyId, @NotEmpty Map<String, String> keys) {

    @Override
    public String toString() {
        // Never print key material, e.g. in a failed-binding report.
        return "DeliveryKeyProperties[activeKeyId=" + activeKeyId + ", keyIds=" + keys.keySet() + "]";
    }
}
