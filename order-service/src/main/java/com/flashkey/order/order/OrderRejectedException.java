package com.flashkey.order.order;

/** The order cannot be placed: sold out, over the buyer's limit, or the sale is not open. Answered 409. */
public final class OrderRejectedException extends RuntimeException {

    /** Why; the name is the problem code. */
    public enum Reason {
        SOLD_OUT("sold-out"), LIMIT_EXCEEDED("limit-exceeded"), SALE_NOT_OPEN("sale-not-open");

        private final String code;

        Reason(String code) {
            this.code = code;
        }

        public String code() {
            return code;
        }
    }

    private final Reason reason;

    public OrderRejectedException(Reason reason, String detail) {
        super(detail);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
