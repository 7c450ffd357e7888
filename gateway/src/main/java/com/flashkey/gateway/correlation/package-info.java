/** Request correlation: X-Request-Id and W3C trace context on every request, in every log line, and downstream. */
package com.flashkey.gateway.correlation;
