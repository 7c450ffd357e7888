/** Typed configuration of payment-callback-service and the beans that wire its infrastructure. */
package com.flashkey.payment.config;
