/** Typed configuration of inventory-service and the beans that wire its infrastructure. */
package com.flashkey.inventory.config;
