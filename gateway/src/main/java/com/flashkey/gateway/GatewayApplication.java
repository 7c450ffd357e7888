package com.flashkey.gateway;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * The edge: routing, rate limits, circuit breakers, load shedding and admin auth.
 * <p>
 * Every configuration record found by the properties scan is {@code @Validated}: a wrong value stops start-up
 * with a message naming the property, instead of failing later in a request.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class GatewayApplication {

    public static void main(String[] args) {
        SpringApplication.run(GatewayApplication.class, args);
    }
}
