package com.flashkey.catalog.config;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

import org.springframework.boot.webflux.autoconfigure.WebHttpHandlerBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.PathContainer;
import org.springframework.http.server.reactive.ServerHttpResponse;
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
import org.springframework.security.web.server.ServerAuthenticationEntryPoint;
import org.springframework.security.web.server.WebFilterChainProxy;
import org.springframework.security.web.server.authorization.ServerAccessDeniedHandler;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;
import org.springframework.security.web.server.savedrequest.NoOpServerRequestCache;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatcher;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatcher.MatchResult;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

import com.flashkey.contracts.AdminTokenTimes;
import com.flashkey.catalog.problem.Problems;

import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code /api/admin/**} and the actuator endpoints other than the probes and the metrics scrape need an HS256 JWT
 * issued by {@code flashkey} whose {@code roles} claim contains {@code admin}, whose audience holds
 * {@code flashkey.security.audience} and whose lifetime ({@code exp - iat}, both required) is at most
 * {@code flashkey.security.max-token-lifetime}. Failures answer problem+json: 401 {@code unauthorized} for a
 * missing, expired, forged or otherwise invalid token, 403 {@code forbidden} for a token without the role.
 * <p>
 * Spring Security sees those paths only: public reads (the hot path of a sale), probes, the scrape and the API docs
 * never enter its filter. Stateless: no request cache (it created a WebSession, with two thread hops, per request),
 * no security context storage, and no observations (they wrapped every filter in a Micrometer observation per
 * request).
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfig {

    static final String ISSUER = "flashkey";

    /** Clock skew allowed on {@code exp}, {@code nbf} and {@code iat}: Spring Security's default. */

    private static final PathPattern ADMIN = PathPatternParser.defaultInstance.parse("/api/admin/**");
    private static final PathPattern ACTUATOR = PathPatternParser.defaultInstance.parse("/actuator/**");
    private static final PathPattern PROBES = PathPatternParser.defaultInstance.parse("/actuator/health/**");
    private static final PathPattern SCRAPE = PathPatternParser.defaultInstance.parse("/actuator/prometheus");

    /** The chain's matcher: {@link #isGuarded}. */
    static final ServerWebExchangeMatcher GUARDED = exchange -> isGuarded(exchange) ? MatchResult.match()
            : MatchResult.notMatch();

    /**
     * The paths the chain guards: the admin API and every actuator endpoint but the probes and the scrape. Matched
     * on the same path container and with the same pattern parser as WebFlux routes requests, so no spelling of a
     * path reaches an admin handler without matching here.
     */
    static boolean isGuarded(ServerWebExchange exchange) {
        PathContainer path = exchange.getRequest().getPath().pathWithinApplication();
        return ADMIN.matches(path) || (ACTUATOR.matches(path) && !PROBES.matches(path) && !SCRAPE.matches(path));
    }

    private final JsonMapper json = JsonMapper.builder().build();

    @Bean
    SecurityWebFilterChain securityWebFilterChain(ServerHttpSecurity http, ReactiveJwtDecoder jwtDecoder) {
        JwtGrantedAuthoritiesConverter roles = new JwtGrantedAuthoritiesConverter();
        roles.setAuthoritiesClaimName("roles");
        roles.setAuthorityPrefix("ROLE_");
        JwtAuthenticationConverter authentication = new JwtAuthenticationConverter();
        authentication.setJwtGrantedAuthoritiesConverter(roles);
        ServerAuthenticationEntryPoint unauthorized = (exchange, ex) -> writeProblem(exchange, HttpStatus.UNAUTHORIZED,
                Problems.UNAUTHORIZED, "A valid bearer token is required (missing, expired or not signed by FlashKey)");
        ServerAccessDeniedHandler forbidden = (exchange, ex) -> writeProblem(exchange, HttpStatus.FORBIDDEN,
                Problems.FORBIDDEN, "The bearer token lacks the admin role");
        return http.securityMatcher(GUARDED)
            .csrf(ServerHttpSecurity.CsrfSpec::disable)
            .httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
            .formLogin(ServerHttpSecurity.FormLoginSpec::disable)
            .logout(ServerHttpSecurity.LogoutSpec::disable)
            .requestCache(cache -> cache.requestCache(NoOpServerRequestCache.getInstance()))
            .securityContextRepository(NoOpServerSecurityContextRepository.getInstance())
            .authorizeExchange(routes -> routes.anyExchange().hasRole("admin"))
            .oauth2ResourceServer(resourceServer -> resourceServer
                .jwt(jwt -> jwt.jwtDecoder(jwtDecoder)
                    .jwtAuthenticationConverter(new ReactiveJwtAuthenticationConverterAdapter(authentication)))
                .authenticationEntryPoint(unauthorized)
                .accessDeniedHandler(forbidden))
            .exceptionHandling(handling -> handling.authenticationEntryPoint(unauthorized).accessDeniedHandler(forbidden))
            .build();
    }

    /**
     * Spring Security's web filter runs its firewall and matches the chain on every request it sees, a measurable
     * share of a cached read, to decide nothing for the unguarded paths: it sees the guarded ones only. The chain
     * matches the same set ({@link #GUARDED}), so no decision changes.
     */
    @Bean
    WebHttpHandlerBuilderCustomizer securityFilterOnGuardedPathsOnly() {
        return builder -> builder.filters(filters -> filters.replaceAll(SecurityConfig::onGuardedPathsOnly));
    }

    private static WebFilter onGuardedPathsOnly(WebFilter filter) {
        if (!(filter instanceof WebFilterChainProxy proxy)) {
            return filter;
        }
        return (exchange, chain) -> isGuarded(exchange) ? proxy.filter(exchange, chain) : chain.filter(exchange);
    }

    @Bean
    SecurityObservationSettings securityObservationSettings() {
        return SecurityObservationSettings.noObservations();
    }

    @Bean
    ReactiveJwtDecoder jwtDecoder(JwtProperties properties) {
        SecretKey key = new SecretKeySpec(properties.jwtSecret().getBytes(StandardCharsets.UTF_8), "HmacSHA256");
        NimbusReactiveJwtDecoder decoder = NimbusReactiveJwtDecoder.withSecretKey(key)
            .macAlgorithm(MacAlgorithm.HS256)
            .build();
        decoder.setJwtValidator(adminTokenValidator(ISSUER, properties.audience(), properties.maxTokenLifetime()));
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

    private Mono<Void> writeProblem(ServerWebExchange exchange, HttpStatus status, String code, String detail) {
        Map<String, Object> problem = new LinkedHashMap<>();
        problem.put("type", Problems.type(code).toString());
        problem.put("title", status.getReasonPhrase());
        problem.put("status", status.value());
        problem.put("detail", detail);
        problem.put("instance", exchange.getRequest().getPath().value());
        ServerHttpResponse response = exchange.getResponse();
        response.setStatusCode(status);
        response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
        if (status == HttpStatus.UNAUTHORIZED) {
            response.getHeaders().set(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
        }
        DataBuffer body = response.bufferFactory().wrap(json.writeValueAsBytes(problem));
        return response.writeWith(Mono.just(body));
    }
}
