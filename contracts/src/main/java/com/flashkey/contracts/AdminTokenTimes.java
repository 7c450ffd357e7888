package com.flashkey.contracts;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The time rules of an admin JWT, one definition for the gateway and every service that checks one. Spring
 * Security's own validators check the signature, {@code exp} (required: by default a token without one is valid
 * forever), issuer and audience; these add what it has no validator for: {@code iat} required and not in the future,
 * and a lifetime {@code exp - iat} of at most the cap, so no token outlives it however it was minted. (Spring's
 * {@code JwtIssuedAtValidator} is a DPoP freshness check, {@code iat} within a minute of now: not this.)
 */
public final class AdminTokenTimes {

    /** Tolerated difference between the minting and the checking clock. */
    public static final Duration CLOCK_SKEW = Duration.ofSeconds(60);

    private AdminTokenTimes() {
    }

    /** Why a token with these claims is refused, or empty if its times pass. */
    public static Optional<String> refusal(Instant issuedAt, Instant expiresAt, Duration maxLifetime, Instant now) {
        if (issuedAt == null) {
            return Optional.of("The token has no iat claim");
        }
        if (issuedAt.isAfter(now.plus(CLOCK_SKEW))) {
            return Optional.of("The token's iat is in the future");
        }
        if (expiresAt != null && expiresAt.isAfter(issuedAt.plus(maxLifetime))) {
            return Optional.of("The token's lifetime (exp - iat) exceeds " + maxLifetime);
        }
        return Optional.empty();
    }
}
