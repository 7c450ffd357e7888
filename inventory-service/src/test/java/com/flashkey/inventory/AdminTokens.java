package com.flashkey.inventory;

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

/**
 * HS256 tokens as {@code bin/flashkey token} issues them (iss, aud, roles, iat, exp), signed with the local
 * development secret, and broken variants.
 */
public final class AdminTokens {

    public static final String SECRET = "flashkey-local-dev-jwt-secret-0123456789abcdef";

    /** The local default of {@code flashkey.security.audience}. */
    public static final String AUDIENCE = "flashkey-admin";

    /** The local default of {@code flashkey.security.max-token-lifetime}. */
    public static final Duration MAX_LIFETIME = Duration.ofHours(12);

    private AdminTokens() {
    }

    public static String admin() {
        return token("flashkey", List.of("admin"), SECRET);
    }

    public static String token(String issuer, List<String> roles, String secret) {
        return sign(secret, claims(issuer, roles));
    }

    /** A good admin token (10 minutes left) with its claims changed by {@code change}. */
    public static String admin(UnaryOperator<JWTClaimsSet.Builder> change) {
        return sign(SECRET, change.apply(claims("flashkey", List.of("admin"))));
    }

    private static JWTClaimsSet.Builder claims(String issuer, List<String> roles) {
        return new JWTClaimsSet.Builder().issuer(issuer).subject("ops@flashkey.test").audience(AUDIENCE)
                .claim("roles", roles).issueTime(new Date())
                .expirationTime(Date.from(Instant.now().plusSeconds(600)));
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
