/** Kafka edges of the order: the batch consumer of order.placed, the event consumer, and the outbox relay. */
package com.flashkey.order.order.messaging;
