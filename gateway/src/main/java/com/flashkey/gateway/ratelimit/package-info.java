/** Token-bucket rate limits per client and per route, kept in Redis, with an in-memory fallback for writes. */
package com.flashkey.gateway.ratelimit;
