package com.flashkey.contracts;

import java.time.Instant;

/** A delivery kept failing and went to the dead-letter topic; someone must look. */
public record NotificationFailed(String orderNo, String channel, String reason, int attempts, Instant at)
        implements OrderEvent {
}
