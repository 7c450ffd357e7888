package com.flashkey.inventory.stock;

/**
 * What one reservation of a batch came to: an answer (any business outcome), or a failure of this reservation only
 * (its SKU is being rebuilt or Redis could not answer: {@link Failure#UNAVAILABLE}; it contradicts what the order
 * already did: {@link Failure#CONFLICT}; the request itself is malformed: {@link Failure#INVALID}). A batch never
 * fails as a whole for one of its reservations.
 *
 * @param answer  the answer, or null when it failed
 * @param failure why it failed, or null
 * @param detail  a short reason for the failure (no buyer data)
 */
public record ReserveResult(ReserveAnswer answer, Failure failure, String detail) {

    public enum Failure {
        UNAVAILABLE, CONFLICT, INVALID
    }

    static ReserveResult of(ReserveAnswer answer) {
        return new ReserveResult(answer, null, null);
    }

    public static ReserveResult failed(Failure failure, String detail) {
        return new ReserveResult(null, failure, detail);
    }

    /** The failure as the single-reservation API reports it (503 or 409). */
    RuntimeException toException(ReserveCommand command) {
        return switch (failure) {
            case UNAVAILABLE -> new StockUnavailableException(command.sku(), detail);
            case CONFLICT -> new ReservationConflictException(command.orderNo(), command.attempt(), detail);
            case INVALID -> new IllegalArgumentException(detail);
        };
    }
}
