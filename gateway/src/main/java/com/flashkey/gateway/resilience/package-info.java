/** Circuit breakers and time limiters per downstream, and what the gateway answers when one fails. */
package com.flashkey.gateway.resilience;
