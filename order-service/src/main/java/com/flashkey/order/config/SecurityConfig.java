package com.flashkey.order.config;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import javax.crypto.spec.SecretKeySpec;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
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
import org.springframework.security.oauth2.server.resource.authentication.JwtGrantedAuthoritiesConverter;
import org.springframework.security.oauth2.server.resource.authentication.ReactiveJwtAuthenticationConverter;
import org.springframework.security.oauth2.server.resource.authentication.ReactiveJwtGrantedAuthoritiesConverterAdapter;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;
import org.springframework.security.web.server.savedrequest.NoOpServerRequestCache;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatchers;
import org.springframework.web.server.ServerWebExchange;

import com.flashkey.contracts.AdminTokenTimes;
import com.flashkey.contracts.ProblemTypes;

import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Admin routes need an HS256 JWT issued by {@code flashkey} whose {@code roles} contain {@code admin}, whose audience
 * holds {@code flashkey.security.audience} and whose lifetime ({@code exp - iat}, both required) is at most
 * {@code flashkey.security.max-token-lifetime}.
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfig {

    /** The paths that need a token; nothing else enters the security chain. */
    static final String ADMIN = "/api/admin/**";

    static final String ISSUER = "flashkey";

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Bean
    ReactiveJwtDecoder jwtDecoder(SecurityProperties security) {
        var key = new SecretKeySpec(security.jwtSecret().getBytes(StandardCharsets.UTF_8), "HmacSHA256");
        NimbusReactiveJwtDecoder decoder = NimbusReactiveJwtDecoder.withSecretKey(key).macAlgorithm(MacAlgorithm.HS256)
                .build();
        decoder.setJwtValidator(adminTokenValidator(ISSUER, security.audience(), security.maxTokenLifetime()));
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

    @Bean
    SecurityWebFilterChain securityWebFilterChain(ServerHttpSecurity http) {
        var authorities = new JwtGrantedAuthoritiesConverter();
        authorities.setAuthoritiesClaimName("roles");
        authorities.setAuthorityPrefix("ROLE_");
        var converter = new ReactiveJwtAuthenticationConverter();
        converter.setJwtGrantedAuthoritiesConverter(new ReactiveJwtGrantedAuthoritiesConverterAdapter(authorities));
        // Only the admin API enters the chain. The buyer's order API (the hot path) and the actuator never do: each
        // filter of the chain would run, and be observed, on every request, and the request cache made a WebSession each.
        return http.securityMatcher(ServerWebExchangeMatchers.pathMatchers(ADMIN))
                .csrf(ServerHttpSecurity.CsrfSpec::disable)
                .httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
                .formLogin(ServerHttpSecurity.FormLoginSpec::disable)
                .logout(ServerHttpSecurity.LogoutSpec::disable)
                .requestCache(cache -> cache.requestCache(NoOpServerRequestCache.getInstance()))
                .securityContextRepository(NoOpServerSecurityContextRepository.getInstance())
                .authorizeExchange(ex -> ex.anyExchange().hasRole("admin"))
                .oauth2ResourceServer(rs -> rs.jwt(jwt -> jwt.jwtAuthenticationConverter(converter))
                        .authenticationEntryPoint((exchange, ex) -> problem(exchange, HttpStatus.UNAUTHORIZED,
                                "unauthorized", "A valid admin token is required."))
                        .accessDeniedHandler((exchange, ex) -> problem(exchange, HttpStatus.FORBIDDEN, "forbidden",
                                "The token lacks the admin role.")))
                .exceptionHandling(eh -> eh
                        .authenticationEntryPoint((exchange, ex) -> problem(exchange, HttpStatus.UNAUTHORIZED,
                                "unauthorized", "A valid admin token is required."))
                        .accessDeniedHandler((exchange, ex) -> problem(exchange, HttpStatus.FORBIDDEN, "forbidden",
                                "The token lacks the admin role.")))
                .build();
    }

    /**
     * No Spring Security observations: they wrap every filter of the chain in a Micrometer observation, for traces
     * nobody collects here. http.server.requests stays.
     */
    @Bean
    SecurityObservationSettings securityObservationSettings() {
        return SecurityObservationSettings.noObservations();
    }

    private static Mono<Void> problem(ServerWebExchange exchange, HttpStatus status, String code, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setType(java.net.URI.create(ProblemTypes.BASE + code));
        problem.setTitle(status.getReasonPhrase());
        problem.setInstance(exchange.getRequest().getURI());
        var response = exchange.getResponse();
        response.setStatusCode(status);
        response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
        byte[] body = JSON.writeValueAsBytes(problem);
        return response.writeWith(Mono.just(response.bufferFactory().wrap(body)));
    }
}
