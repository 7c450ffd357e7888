/** Kafka listener that allocates keys when an order is paid. */
package com.flashkey.inventory.allocation.messaging;
