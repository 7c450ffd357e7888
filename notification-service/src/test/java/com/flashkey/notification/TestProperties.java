package com.flashkey.notification;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

import com.flashkey.notification.config.NotificationProperties;

/** Settings for unit tests, the same shape as application.yml. */
public final class TestProperties {

    private TestProperties() {
    }

    public static NotificationProperties notification(URI smsUrl, Duration smsTimeout) {
        return new NotificationProperties(URI.create("https://shop.example/api/orders/"), "en", 2, 1, 16,
                Duration.ofSeconds(60), Duration.ofSeconds(10),
                new NotificationProperties.Mail("FlashKey <no-reply@flashkey.local>",
                        Map.of("en", "Your codes - order {{orderNo}}", "zh-CN", "您的卡密 - 订单 {{orderNo}}"),
                        Duration.ofSeconds(30),
                        new NotificationProperties.Connections(4, 100, Duration.ofMinutes(5), Duration.ofSeconds(30))),
                new NotificationProperties.Retry(5, Duration.ofSeconds(2), 3.0, Duration.ofMinutes(5), 1),
                new NotificationProperties.Sms(smsUrl != null, smsUrl, "sms-token", smsTimeout,
                        Map.of("en", "FlashKey: order {{orderNo}} is ready.", "zh-CN", "FlashKey：订单 {{orderNo}} 已完成。")),
                Duration.ofDays(90));
    }

    public static NotificationProperties notification() {
        return notification(null, Duration.ofSeconds(5));
    }
}
