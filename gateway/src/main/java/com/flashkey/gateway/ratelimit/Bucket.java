package com.flashkey.gateway.ratelimit;

import com.flashkey.gateway.config.GatewayProperties.Policy;

/** One token bucket of one request: its Redis key and the policy that sizes it. */
record Bucket(String key, Policy policy) {
}
