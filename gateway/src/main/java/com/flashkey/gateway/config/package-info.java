/** Typed configuration of gateway and the beans that wire its infrastructure. */
package com.flashkey.gateway.config;
