/** Typed configuration of notification-service and the beans that wire its infrastructure. */
package com.flashkey.notification.config;
