package com.flashkey.inventory;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.List;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

/** HS256 tokens as the gateway/admin tooling issues them, signed with the local development secret. */
public final class AdminTokens {

    public static final String SECRET = "flashkey-local-dev-jwt-secret-0123456789abcdef";

    private AdminTokens() {
    }

    public static String admin() {
        return token("flashkey", List.of("admin"), SECRET);
    }

    public static String token(String issuer, List<String> roles, String secret) {
        try {
            JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(issuer).subject("ops@flashkey.test")
                    .claim("roles", roles).issueTime(new Date())
                    .expirationTime(Date.from(Instant.now().plusSeconds(600))).build();
            SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
            jwt.sign(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)));
            return jwt.serialize();
        }
        catch (JOSEException ex) {
            throw new IllegalStateException(ex);
        }
    }
}
