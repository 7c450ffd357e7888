package com.flashkey.catalog.config;

import java.time.Clock;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.swagger.v3.oas.annotations.enums.SecuritySchemeType;
import io.swagger.v3.oas.annotations.info.Info;
import io.swagger.v3.oas.annotations.OpenAPIDefinition;
import io.swagger.v3.oas.annotations.security.SecurityScheme;

@Configuration(proxyBeanMethods = false)
@OpenAPIDefinition(info = @Info(title = "FlashKey catalog-service",
        description = "Products, prices, sale windows and purchase limits"))
@SecurityScheme(name = InfrastructureConfig.ADMIN_JWT, type = SecuritySchemeType.HTTP, scheme = "bearer",
        bearerFormat = "JWT")
class InfrastructureConfig {

    /** OpenAPI security scheme of the admin endpoints: HS256 JWT whose {@code roles} contain {@code admin}. */
    static final String ADMIN_JWT = "admin-jwt";

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }
}
