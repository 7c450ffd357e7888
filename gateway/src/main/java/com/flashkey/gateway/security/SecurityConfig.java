package com.flashkey.gateway.security;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import javax.crypto.spec.SecretKeySpec;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.security.config.annotation.web.reactive.EnableWebFluxSecurity;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtAudienceValidator;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationConverter;
import org.springframework.security.oauth2.server.resource.authentication.JwtGrantedAuthoritiesConverter;
import org.springframework.security.oauth2.server.resource.authentication.ReactiveJwtAuthenticationConverterAdapter;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;
import org.springframework.security.web.server.firewall.ServerExchangeRejectedHandler;
import org.springframework.security.web.server.firewall.ServerWebExchangeFirewall;
import org.springframework.security.web.server.firewall.StrictServerWebExchangeFirewall;
import org.springframework.security.web.server.savedrequest.NoOpServerRequestCache;
import org.springframework.security.web.server.util.matcher.PathPatternParserServerWebExchangeMatcher;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.reactive.CorsConfigurationSource;
import org.springframework.web.cors.reactive.CorsWebFilter;
import org.springframework.web.cors.reactive.UrlBasedCorsConfigurationSource;

import com.flashkey.contracts.AdminTokenTimes;
import com.flashkey.gateway.config.AdminTokenProperties;
import com.flashkey.gateway.config.GatewayProperties;
import com.flashkey.gateway.problem.Problems;

/**
 * Admin routes ({@code /api/admin/**}, proxied or the gateway's own) need a JWT whose {@code roles} claim holds
 * {@code admin}, whose issuer is {@code flashkey}, whose audience holds {@code flashkey.security.audience} and whose
 * lifetime ({@code exp - iat}, both required) is at most {@code flashkey.security.max-token-lifetime}; everything
 * else is public (no session, no CSRF: a stateless API). The security filter chain runs on the admin paths only;
 * public requests never enter it.
 * Security headers ({@link EdgeHeadersWebFilter}) and CORS for the storefront origins (Spring's
 * {@link CorsWebFilter}) apply to every path, ahead of the chain; the firewall checks every request.
 */
@Configuration
@EnableWebFluxSecurity
class SecurityConfig {

    /** The paths that need an admin token: the only ones the security filter chain runs on. */
    static final String ADMIN_PATHS = "/api/admin/**";

    /** Clock skew allowed on {@code exp}, {@code nbf} and {@code iat}: Spring Security's default. */

    @Bean
    SecurityWebFilterChain securityWebFilterChain(ServerHttpSecurity http, ReactiveJwtDecoder decoder) {
        JwtGrantedAuthoritiesConverter roles = new JwtGrantedAuthoritiesConverter();
        roles.setAuthoritiesClaimName("roles");
        roles.setAuthorityPrefix("ROLE_");
        JwtAuthenticationConverter converter = new JwtAuthenticationConverter();
        converter.setJwtGrantedAuthoritiesConverter(roles);
        return http.securityMatcher(new PathPatternParserServerWebExchangeMatcher(ADMIN_PATHS))
            .csrf(ServerHttpSecurity.CsrfSpec::disable)
            .httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
            .formLogin(ServerHttpSecurity.FormLoginSpec::disable)
            .logout(ServerHttpSecurity.LogoutSpec::disable)
            .requestCache(cache -> cache.requestCache(NoOpServerRequestCache.getInstance()))
            .securityContextRepository(NoOpServerSecurityContextRepository.getInstance())
            // Both written for every path ahead of the chain (EdgeHeadersWebFilter, corsWebFilter).
            .cors(ServerHttpSecurity.CorsSpec::disable)
            .headers(ServerHttpSecurity.HeaderSpec::disable)
            .authorizeExchange(exchanges -> exchanges.pathMatchers(HttpMethod.OPTIONS, "/api/**")
                .permitAll()
                .pathMatchers(ADMIN_PATHS)
                .hasRole("admin")
                .anyExchange()
                .permitAll())
            .oauth2ResourceServer(resourceServer -> resourceServer
                .jwt(jwt -> jwt.jwtDecoder(decoder)
                    .jwtAuthenticationConverter(new ReactiveJwtAuthenticationConverterAdapter(converter)))
                .authenticationEntryPoint((exchange, ex) -> {
                    exchange.getResponse().getHeaders().set(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
                    return Problems.write(exchange, HttpStatus.UNAUTHORIZED, "unauthorized", "Unauthorized",
                            "A valid admin token is required.");
                })
                .accessDeniedHandler((exchange, ex) -> Problems.write(exchange, HttpStatus.FORBIDDEN, "forbidden",
                        "Forbidden", "This token does not carry the admin role.")))
            .exceptionHandling(handling -> handling
                .authenticationEntryPoint((exchange, ex) -> {
                    exchange.getResponse().getHeaders().set(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
                    return Problems.write(exchange, HttpStatus.UNAUTHORIZED, "unauthorized", "Unauthorized",
                            "A valid admin token is required.");
                })
                .accessDeniedHandler((exchange, ex) -> Problems.write(exchange, HttpStatus.FORBIDDEN, "forbidden",
                        "Forbidden", "Not allowed.")))
            .build();
    }

    /**
     * No Spring Security observations: they wrap every filter of the chain in a Micrometer observation on every
     * request, a measurable share of the gateway's CPU per proxied request, for traces nobody collects here. The
     * server timers (http.server.requests) and the gateway's per-route timers remain.
     */
    @Bean
    SecurityObservationSettings securityObservationSettings() {
        return SecurityObservationSettings.noObservations();
    }

    /** HS256 with the shared secret locally; the identity provider's JWK set when a JWKS URI is configured. */
    @Bean
    ReactiveJwtDecoder jwtDecoder(GatewayProperties properties, AdminTokenProperties tokens) {
        NimbusReactiveJwtDecoder decoder;
        if (properties.security().jwksUri() != null) {
            decoder = NimbusReactiveJwtDecoder.withJwkSetUri(properties.security().jwksUri().toString()).build();
        }
        else {
            byte[] key = tokens.jwtSecret().getBytes(StandardCharsets.UTF_8);
            if (key.length < 32) {
                throw new IllegalStateException("flashkey.security.jwt-secret must be at least 32 bytes for HS256");
            }
            decoder = NimbusReactiveJwtDecoder.withSecretKey(new SecretKeySpec(key, "HmacSHA256"))
                .macAlgorithm(MacAlgorithm.HS256)
                .build();
        }
        decoder.setJwtValidator(adminTokenValidator(properties.security().issuer(), tokens.audience(),
                tokens.maxTokenLifetime()));
        return decoder;
    }

    /** The admin token checks, the same in the gateway and every service ({@link AdminTokenTimes} says which). */
    static OAuth2TokenValidator<Jwt> adminTokenValidator(String issuer, String audience, Duration maxLifetime) {
        JwtTimestampValidator expiry = new JwtTimestampValidator(AdminTokenTimes.CLOCK_SKEW);
        expiry.setAllowEmptyExpiryClaim(false);
        OAuth2TokenValidator<Jwt> times = jwt -> AdminTokenTimes.refusal(jwt.getIssuedAt(), jwt.getExpiresAt(),
                maxLifetime, Instant.now()).map(reason -> OAuth2TokenValidatorResult.failure(
                        new OAuth2Error(OAuth2ErrorCodes.INVALID_TOKEN, reason, null)))
                .orElse(OAuth2TokenValidatorResult.success());
        return JwtValidators.createDefaultWithValidators(
                List.of(expiry, new JwtIssuerValidator(issuer), new JwtAudienceValidator(audience), times));
    }

    /**
     * Spring Security's strict firewall checks on every request (allowed methods; encoded or non-normalised paths
     * such as {@code %2F}, {@code ..}, {@code //}; non-printable characters), without its request wrapper, which
     * re-checked every header name and value on each read: Netty's HTTP decoder already refuses CR, LF and other
     * control characters in headers.
     */
    @Bean
    ServerWebExchangeFirewall requestFirewall() {
        StrictServerWebExchangeFirewall strict = new StrictServerWebExchangeFirewall();
        return exchange -> strict.getFirewalledExchange(exchange).map(checked -> exchange);
    }

    /** A refused request (encoded slash, path traversal, ...) is bad input: 400 problem+json like any other. */
    @Bean
    ServerExchangeRejectedHandler requestRejectedHandler() {
        return (exchange, ex) -> Problems.write(exchange, HttpStatus.BAD_REQUEST, "validation", "Bad request",
                "The request path or method is not allowed.");
    }

    /** CORS for the storefront origins, on every path, ahead of the security chain (preflights need no token). */
    @Bean
    @Order(Ordered.HIGHEST_PRECEDENCE + 20)
    CorsWebFilter corsWebFilter(CorsConfigurationSource cors) {
        return new CorsWebFilter(cors);
    }

    @Bean
    CorsConfigurationSource corsConfigurationSource(GatewayProperties properties) {
        CorsConfiguration cors = new CorsConfiguration();
        cors.setAllowedOrigins(properties.cors().allowedOrigins());
        cors.setAllowedMethods(List.of("GET", "HEAD", "POST", "PUT", "OPTIONS"));
        cors.setAllowedHeaders(List.of(HttpHeaders.CONTENT_TYPE, HttpHeaders.AUTHORIZATION, "Idempotency-Key",
                "X-Request-Id", "traceparent", "tracestate", HttpHeaders.IF_NONE_MATCH));
        cors.setExposedHeaders(List.of(HttpHeaders.RETRY_AFTER, "RateLimit-Limit", "RateLimit-Remaining",
                "RateLimit-Reset", "X-Request-Id", HttpHeaders.ETAG, HttpHeaders.LOCATION, "X-FlashKey-Degraded"));
        cors.setAllowCredentials(false);
        cors.setMaxAge(properties.cors().maxAge());
        UrlBasedCorsConfigurationSource source = new UrlBasedCorsConfigurationSource();
        source.registerCorsConfiguration("/api/**", cors);
        source.registerCorsConfiguration("/webhooks/**", new CorsConfiguration());
        return source;
    }
}
