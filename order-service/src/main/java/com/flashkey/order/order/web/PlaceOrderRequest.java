package com.flashkey.order.order.web;

import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * Body of {@code POST /api/orders}.
 *
 * @param phone optional E.164 number ({@code +} and 7 to 15 digits) for an "order ready" SMS; never gets the codes
 */
record PlaceOrderRequest(@NotBlank @Pattern(regexp = "[A-Z0-9][A-Z0-9-]{1,39}") String sku,
        @NotNull @Min(1) @Max(10) Integer quantity, @NotBlank @Email @Size(max = 254) String email,
        @Pattern(regexp = "\\+[1-9][0-9]{6,14}", message = "must be an E.164 number such as +8613800000000") String phone) {

    @Override
    public String toString() {
        return "PlaceOrderRequest[" + sku + " x" + quantity + "]";
    }
}
