package com.flashkey.gateway;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

/** HS256 tokens like the admin tool issues, and broken variants. */
final class Tokens {

    static final String SECRET = "flashkey-local-dev-jwt-secret-0123456789abcdef";

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

    static String token(String secret, String issuer, List<String> roles, Instant expiresAt) {
        try {
            JWTClaimsSet claims = new JWTClaimsSet.Builder().subject("ops@flashkey.dev")
                .issuer(issuer)
                .claim("roles", roles)
                .issueTime(Date.from(expiresAt.minus(Duration.ofMinutes(10))))
                .expirationTime(Date.from(expiresAt))
                .build();
            SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
            jwt.sign(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)));
            return jwt.serialize();
        }
        catch (JOSEException ex) {
            throw new IllegalStateException(ex);
        }
    }
}
