/** Typed configuration of the gateway. */
package com.flashkey.gateway.config;
