package com.flashkey.notification;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * Card-key delivery by e-mail and SMS, exactly once per order and channel.
 * <p>
 * Every configuration record found by the properties scan is {@code @Validated}: a wrong value stops start-up
 * with a message naming the property, instead of failing later in a request.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class NotificationServiceApplication {

    public static void main(String[] args) {
        SpringApplication.run(NotificationServiceApplication.class, args);
    }
}
