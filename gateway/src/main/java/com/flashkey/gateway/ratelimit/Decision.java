package com.flashkey.gateway.ratelimit;

import java.time.Duration;

/**
 * The answer for one request, describing the bucket that decided it (RateLimit-* headers).
 *
 * @param allowed whether a token was taken from every bucket
 * @param limit size of the reported bucket
 * @param remaining whole tokens left in it
 * @param retryAfter when a token will be there again (denials)
 * @param reset when the reported bucket will be full again
 * @param source who decided: Redis, a bucket Redis reported empty a moment ago, the in-memory fallback, or nobody
 *        (fail open)
 * @param bucketKey the reported bucket's key (null when failing open)
 */
record Decision(boolean allowed, long limit, long remaining, Duration retryAfter, Duration reset, Source source,
        String bucketKey) {

    enum Source {
        REDIS, KNOWN_EMPTY, LOCAL, FAIL_OPEN
    }

    static Decision failOpen() {
        return new Decision(true, 0, 0, Duration.ZERO, Duration.ZERO, Source.FAIL_OPEN, null);
    }
}
