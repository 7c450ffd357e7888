package com.flashkey.order.order.web;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import org.hibernate.validator.internal.constraintvalidators.bv.EmailValidator;

/**
 * Body of {@code POST /api/orders}. The constraint annotations document the schema (OpenAPI);
 * {@link #addViolations} checks the same rules by hand, with Hibernate Validator's messages
 * ({@code PlaceOrderRequestTests} holds the two together).
 *
 * @param phone optional E.164 number ({@code +} and 7 to 15 digits) for an "order ready" SMS; never gets the codes
 */
record PlaceOrderRequest(@NotBlank @jakarta.validation.constraints.Pattern(regexp = PlaceOrderRequest.SKU) String sku,
        @NotNull @Min(PlaceOrderRequest.MIN_QUANTITY) @Max(PlaceOrderRequest.MAX_QUANTITY) Integer quantity,
        @NotBlank @Email @Size(max = PlaceOrderRequest.MAX_EMAIL) String email,
        @jakarta.validation.constraints.Pattern(regexp = PlaceOrderRequest.PHONE,
                message = PlaceOrderRequest.PHONE_MESSAGE) String phone) {

    static final String SKU = "[A-Z0-9][A-Z0-9-]{1,39}";
    static final int MIN_QUANTITY = 1;
    static final int MAX_QUANTITY = 10;
    static final int MAX_EMAIL = 254;
    static final String PHONE = "\\+[1-9][0-9]{6,14}";
    static final String PHONE_MESSAGE = "must be an E.164 number such as +8613800000000";

    /**
     * The field every body error names: the annotated endpoint reported its body's violations through method
     * validation, under the parameter's name, and clients have seen that since.
     */
    static final String FIELD = "body";

    private static final Pattern SKU_PATTERN = Pattern.compile(SKU);
    private static final Pattern PHONE_PATTERN = Pattern.compile(PHONE);
    /** Hibernate's own @Email rule (stateless without a custom regexp), so the check stays the one it was. */
    private static final EmailValidator EMAIL_RULE = new EmailValidator();

    /** Adds a {@code {field, message}} entry per broken rule, as {@code @Valid} would have. */
    void addViolations(List<Map<String, String>> errors) {
        if (blank(sku)) {
            errors.add(violation("must not be blank"));
        }
        if (sku != null && !SKU_PATTERN.matcher(sku).matches()) {
            errors.add(violation("must match \"" + SKU + "\""));
        }
        if (quantity == null) {
            errors.add(violation("must not be null"));
        }
        else if (quantity < MIN_QUANTITY) {
            errors.add(violation("must be greater than or equal to " + MIN_QUANTITY));
        }
        else if (quantity > MAX_QUANTITY) {
            errors.add(violation("must be less than or equal to " + MAX_QUANTITY));
        }
        if (blank(email)) {
            errors.add(violation("must not be blank"));
        }
        if (email != null && !EMAIL_RULE.isValid(email, null)) {
            errors.add(violation("must be a well-formed email address"));
        }
        if (email != null && email.length() > MAX_EMAIL) {
            errors.add(violation("size must be between 0 and " + MAX_EMAIL));
        }
        if (phone != null && !PHONE_PATTERN.matcher(phone).matches()) {
            errors.add(violation(PHONE_MESSAGE));
        }
    }

    /** As @NotBlank: null, or nothing left after trimming. */
    private static boolean blank(String value) {
        return value == null || value.trim().isEmpty();
    }

    private static Map<String, String> violation(String message) {
        return Problems.fieldError(FIELD, message);
    }

    @Override
    public String toString() {
        return "PlaceOrderRequest[" + sku + " x" + quantity + "]";
    }
}
