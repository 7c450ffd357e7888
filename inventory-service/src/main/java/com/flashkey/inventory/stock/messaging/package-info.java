/** Kafka listeners that record reservations durably (order.placed) and release them (order.expired, order.cancelled). */
package com.flashkey.inventory.stock.messaging;
