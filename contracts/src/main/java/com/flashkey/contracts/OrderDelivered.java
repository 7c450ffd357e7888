package com.flashkey.contracts;

import java.time.Instant;

/** notification-service delivered the codes of an order on a channel ({@code email} or {@code sms}). */
public record OrderDelivered(String orderNo, String channel, Instant deliveredAt) implements OrderEvent {
}
