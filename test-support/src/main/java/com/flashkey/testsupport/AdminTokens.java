package com.flashkey.testsupport;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import javax.crypto.spec.SecretKeySpec;

import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;

/**
 * Mints HS256 admin tokens the way {@code bin/flashkey token} does (iss, aud, roles, iat, exp), plus broken ones for
 * the failure paths: one helper for every service that checks admin JWTs (catalog, inventory, order).
 */
public final class AdminTokens {

    /** The local default of {@code flashkey.security.jwt-secret}. */
    public static final String LOCAL_SECRET = "flashkey-local-dev-jwt-secret-0123456789abcdef";

    /** The local default of {@code flashkey.security.audience}. */
    public static final String AUDIENCE = "flashkey-admin";

    /** The local default of {@code flashkey.security.max-token-lifetime}. */
    public static final Duration MAX_LIFETIME = Duration.ofHours(12);

    private AdminTokens() {
    }

    public static String admin() {
        return token(LOCAL_SECRET, "flashkey", List.of("admin"), Instant.now().plus(Duration.ofMinutes(10)));
    }

    public static String token(String secret, String issuer, List<String> roles, Instant expiresAt) {
        return token(secret, claims -> claims.issuer(issuer)
            .issuedAt(expiresAt.minus(Duration.ofHours(1)))
            .expiresAt(expiresAt)
            .claim("roles", roles));
    }

    /** A good admin token (10 minutes left) with its claims changed by {@code change} (e.g. one removed). */
    public static String admin(Consumer<Map<String, Object>> change) {
        Instant expiresAt = Instant.now().plus(Duration.ofMinutes(10));
        return token(LOCAL_SECRET, claims -> claims.issuer("flashkey")
            .issuedAt(expiresAt.minus(Duration.ofHours(1)))
            .expiresAt(expiresAt)
            .claim("roles", List.of("admin"))
            .claims(change));
    }

    private static String token(String secret, Consumer<JwtClaimsSet.Builder> claims) {
        NimbusJwtEncoder encoder = NimbusJwtEncoder
            .withSecretKey(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"))
            .build();
        JwtClaimsSet.Builder builder = JwtClaimsSet.builder().subject("admin@flashkey.test").audience(List.of(AUDIENCE));
        claims.accept(builder);
        return encoder.encode(JwtEncoderParameters.from(JwsHeader.with(MacAlgorithm.HS256).build(), builder.build()))
            .getTokenValue();
    }
}
