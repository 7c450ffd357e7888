package com.flashkey.notification.delivery;

/** How one delivery event ended, when it did not fail. */
public enum DeliveryOutcome {

    /** Sent now, for the first time. */
    SENT,
    /** Sent now after an attempt that was interrupted after claiming: the buyer may have two copies. */
    SENT_POSSIBLE_DUPLICATE,
    /** Sent before; this event was a duplicate and nothing was sent. */
    ALREADY_SENT
}
