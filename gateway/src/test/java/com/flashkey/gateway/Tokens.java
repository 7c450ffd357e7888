package com.flashkey.gateway;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.function.UnaryOperator;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

/** HS256 tokens like {@code bin/flashkey token} issues (iss, aud, roles, iat, exp), and broken variants. */
final class Tokens {

    static final String SECRET = "flashkey-local-dev-jwt-secret-0123456789abcdef";

    /** The local default of {@code flashkey.security.audience}. */
    static final String AUDIENCE = "flashkey-admin";

    /** The local default of {@code flashkey.security.max-token-lifetime}. */
    static final Duration MAX_LIFETIME = Duration.ofHours(12);

    private Tokens() {
    }

    static String admin() {
        return token(SECRET, "flashkey", List.of("admin"), Instant.now().plus(Duration.ofMinutes(5)));
    }

    static String buyer() {
        return token(SECRET, "flashkey", List.of("buyer"), Instant.now().plus(Duration.ofMinutes(5)));
    }

    static String expiredAdmin() {
        return token(SECRET, "flashkey", List.of("admin"), Instant.now().minus(Duration.ofMinutes(10)));
    }

    static String adminFromOtherIssuer() {
        return token(SECRET, "someone-else", List.of("admin"), Instant.now().plus(Duration.ofMinutes(5)));
    }

    static String adminSignedWithOtherSecret() {
        return token("another-secret-that-is-long-enough-0123456789", "flashkey", List.of("admin"),
                Instant.now().plus(Duration.ofMinutes(5)));
    }

    /** A good admin token with its claims changed by {@code change}. */
    static String admin(UnaryOperator<JWTClaimsSet.Builder> change) {
        return sign(SECRET, change.apply(claims("flashkey", List.of("admin"), Instant.now().plus(Duration.ofMinutes(5)))));
    }

    static String token(String secret, String issuer, List<String> roles, Instant expiresAt) {
        return sign(secret, claims(issuer, roles, expiresAt));
    }

    private static JWTClaimsSet.Builder claims(String issuer, List<String> roles, Instant expiresAt) {
        return new JWTClaimsSet.Builder().subject("ops@flashkey.dev")
            .issuer(issuer)
            .audience(AUDIENCE)
            .claim("roles", roles)
            .issueTime(Date.from(expiresAt.minus(Duration.ofMinutes(10))))
            .expirationTime(Date.from(expiresAt));
    }

    private static String sign(String secret, JWTClaimsSet.Builder claims) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims.build());
            jwt.sign(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)));
            return jwt.serialize();
        }
        catch (JOSEException ex) {
            throw new IllegalStateException(ex);
        }
    }
}
