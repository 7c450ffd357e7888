package com.flashkey.order.order.web;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import org.hibernate.validator.HibernateValidator;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hand-written body rules of {@code POST /api/orders} break exactly where the record's constraint annotations
 * (Hibernate Validator, as {@code @Valid} ran them) break, with the same messages.
 */
class PlaceOrderRequestTests {

    private static final Validator VALIDATOR = Validation.byProvider(HibernateValidator.class).configure()
            .defaultLocale(Locale.ENGLISH).buildValidatorFactory().getValidator();

    private static final String LONG_EMAIL = "a".repeat(250) + "@example.com";

    @Test
    void whenBodiesAreCheckedByHandThenEveryRuleBreaksAsTheAnnotationsDo() {
        List<PlaceOrderRequest> bodies = new ArrayList<>();
        String[] skus = { null, "", " ", "A", "AB", "lower", "SKU-1", "-SKU", "SKU_1", "A" + "B".repeat(39),
                "A" + "B".repeat(40), "SKU-1\n" };
        Integer[] quantities = { null, -1, 0, 1, 10, 11, Integer.MAX_VALUE };
        String[] emails = { null, "", "   ", "a@example.com", "a@b", "not-an-email", "a@@example.com",
                " a@example.com", "\"quoted\"@example.com", "a@example..com", "a.@example.com", "ü@exämple.com",
                LONG_EMAIL, "a@" + "b".repeat(300), "a\t@example.com" };
        String[] phones = { null, "", "+8613800000000", "8613800000000", "+0123456789", "+123456", "+1234567",
                "+123456789012345", "+1234567890123456", "0800-FLASH", "+86 138" };
        for (String sku : skus) {
            bodies.add(new PlaceOrderRequest(sku, 1, "a@example.com", null));
        }
        for (Integer quantity : quantities) {
            bodies.add(new PlaceOrderRequest("SKU-1", quantity, "a@example.com", null));
        }
        for (String email : emails) {
            bodies.add(new PlaceOrderRequest("SKU-1", 1, email, null));
        }
        for (String phone : phones) {
            bodies.add(new PlaceOrderRequest("SKU-1", 1, "a@example.com", phone));
        }
        bodies.add(new PlaceOrderRequest(null, null, null, null));
        bodies.add(new PlaceOrderRequest("", 0, "   ", ""));
        bodies.add(new PlaceOrderRequest("lower", 11, "not-an-email", "0800-FLASH"));

        for (PlaceOrderRequest body : bodies) {
            List<String> byHand = new ArrayList<>();
            List<Map<String, String>> errors = new ArrayList<>();
            body.addViolations(errors);
            for (Map<String, String> error : errors) {
                assertThat(error.get("field")).isEqualTo("body");
                byHand.add(error.get("message"));
            }
            List<String> byAnnotations = VALIDATOR.validate(body).stream().map(ConstraintViolation::getMessage)
                    .toList();
            assertThat(byHand).as("%s / %s / %s / %s", body.sku(), body.quantity(), body.email(), body.phone())
                    .containsExactlyInAnyOrderElementsOf(byAnnotations);
        }
    }
}
