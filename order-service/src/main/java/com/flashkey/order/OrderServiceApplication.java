package com.flashkey.order;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * Orders in sharded MySQL, idempotent creation, state machine, expiry and lookup.
 * <p>
 * Every configuration record found by the properties scan is {@code @Validated}: a wrong value stops start-up
 * with a message naming the property, instead of failing later in a request.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class OrderServiceApplication {

    public static void main(String[] args) {
        SpringApplication.run(OrderServiceApplication.class, args);
    }
}
