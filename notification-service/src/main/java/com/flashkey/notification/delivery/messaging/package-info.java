/** Kafka edge of delivery: the retrying listener, its dead-letter handler and the order.delivered publisher. */
package com.flashkey.notification.delivery.messaging;
