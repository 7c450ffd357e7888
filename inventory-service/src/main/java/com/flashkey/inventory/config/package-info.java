/** Typed configuration of inventory-service, the beans wiring its infrastructure, the base of its periodic tasks. */
package com.flashkey.inventory.config;
