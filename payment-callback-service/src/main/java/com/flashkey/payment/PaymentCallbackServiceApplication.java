package com.flashkey.payment;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * Payment provider webhooks: verified, de-duplicated, recorded to Kafka before the acknowledgement.
 * <p>
 * Every configuration record found by the properties scan is {@code @Validated}: a wrong value stops start-up
 * with a message naming the property, instead of failing later in a request.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class PaymentCallbackServiceApplication {

    public static void main(String[] args) {
        SpringApplication.run(PaymentCallbackServiceApplication.class, args);
    }
}
