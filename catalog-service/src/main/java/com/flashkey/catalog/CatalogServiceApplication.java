package com.flashkey.catalog;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * Products, prices, sale windows and purchase limits.
 * <p>
 * Every configuration record found by the properties scan is {@code @Validated}: a wrong value stops start-up
 * with a message naming the property, instead of failing later in a request.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class CatalogServiceApplication {

    public static void main(String[] args) {
        SpringApplication.run(CatalogServiceApplication.class, args);
    }
}
