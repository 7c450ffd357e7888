package com.flashkey.catalog;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import javax.crypto.spec.SecretKeySpec;

import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;

/** Mints HS256 tokens the way {@code bin/flashkey token} does, plus broken ones for the failure paths. */
public final class AdminTokens {

    /** The local default of {@code flashkey.security.jwt-secret}. */
    public static final String LOCAL_SECRET = "flashkey-local-dev-jwt-secret-0123456789abcdef";

    private AdminTokens() {
    }

    public static String admin() {
        return token(LOCAL_SECRET, "flashkey", List.of("admin"), Instant.now().plus(Duration.ofMinutes(10)));
    }

    public static String token(String secret, String issuer, List<String> roles, Instant expiresAt) {
        NimbusJwtEncoder encoder = NimbusJwtEncoder
            .withSecretKey(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"))
            .build();
        JwtClaimsSet claims = JwtClaimsSet.builder()
            .issuer(issuer)
            .subject("admin@flashkey.test")
            .issuedAt(expiresAt.minus(Duration.ofHours(1)))
            .expiresAt(expiresAt)
            .claim("roles", roles)
            .build();
        return encoder.encode(JwtEncoderParameters.from(JwsHeader.with(MacAlgorithm.HS256).build(), claims))
            .getTokenValue();
    }
}
