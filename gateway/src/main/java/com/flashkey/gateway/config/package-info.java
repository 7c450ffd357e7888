/** Typed configuration of the gateway and the beans that wire its infrastructure (security, CORS, JSON). */
package com.flashkey.gateway.config;
