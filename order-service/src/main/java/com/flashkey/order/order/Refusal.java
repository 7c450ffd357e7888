package com.flashkey.order.order;

/** Why an order is refused (answered 409); the code is the problem type's last segment. */
public enum Refusal {
    SOLD_OUT("sold-out"), LIMIT_EXCEEDED("limit-exceeded"), SALE_NOT_OPEN("sale-not-open");

    private final String code;

    Refusal(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }
}
