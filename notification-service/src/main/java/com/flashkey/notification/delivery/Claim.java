package com.flashkey.notification.delivery;

/** What the sent-message log answers when a delivery asks to go ahead. */
sealed interface Claim {

    /**
     * Go ahead and send.
     *
     * @param attempt           1 for the first try, more after failures or a take-over
     * @param possibleDuplicate a previous attempt was interrupted after claiming (a crash or a lost update), so the
     *                          buyer may already have this message; sending again is the documented price
     */
    record Granted(int attempt, boolean possibleDuplicate) implements Claim {
    }

    /** Already sent; {@code deliveredPublished} says whether order.delivered went out too. */
    record AlreadySent(boolean deliveredPublished) implements Claim {
    }

    /** Another attempt holds a fresh claim and is sending right now; try again later. */
    record InFlight() implements Claim {
    }
}
