/** Reserves and releases stock through inventory-service's internal HTTP API. */
package com.flashkey.order.inventory;
