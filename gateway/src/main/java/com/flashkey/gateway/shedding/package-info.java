/** Load shedding: a bound on in-flight requests per route, beyond which the gateway answers 503 at once. */
package com.flashkey.gateway.shedding;
