/** Typed configuration of order-service and the beans that wire its infrastructure. */
package com.flashkey.order.config;
