package com.flashkey.inventory.allocation;

/** What handling one order.paid did. */
public enum AllocationResult {
    /** Keys were taken and keys.allocated written to the outbox. */
    ALLOCATED,
    /** Not enough keys: allocation.failed written to the outbox, nothing taken. */
    FAILED,
    /** The order was handled before; nothing changed. */
    REPLAY
}
