/** Typed configuration of catalog-service and the beans that wire its infrastructure. */
package com.flashkey.catalog.config;
