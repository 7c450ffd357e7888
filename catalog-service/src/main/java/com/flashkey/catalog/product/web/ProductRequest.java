package com.flashkey.catalog.product.web;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Currency;
import java.util.List;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import com.flashkey.catalog.problem.FieldViolation;
import com.flashkey.catalog.problem.InvalidRequestException;
import com.flashkey.catalog.product.Price;
import com.flashkey.catalog.product.ProductCatalog;
import com.flashkey.catalog.product.ProductDraft;

/**
 * Body of admin create and update. {@code sku} is required on create; on update it may be omitted but must match
 * the path when given. {@code active} defaults to {@code true}.
 */
record ProductRequest(@Pattern(regexp = ProductCatalog.SKU_PATTERN) String sku, @NotBlank @Size(max = 200) String name,
        @Size(max = 2000) String description,
        @NotNull @Pattern(regexp = "\\d{1,15}(\\.\\d{1,4})?", message = "must be a decimal string such as 9.90") String price,
        @NotNull @Pattern(regexp = "[A-Z]{3}", message = "must be an ISO 4217 code such as CNY") String currency,
        @NotNull Instant saleStartsAt, @NotNull Instant saleEndsAt, @NotNull @Min(1) @Max(1000) Integer perBuyerLimit,
        Boolean active) {

    /** Checks the rules across fields and returns the draft, or fails listing every bad field. */
    ProductDraft toDraft(String expectedSku) {
        List<FieldViolation> violations = new ArrayList<>();
        String effectiveSku = sku;
        if (expectedSku == null && sku == null) {
            violations.add(new FieldViolation("sku", "must not be null"));
        }
        else if (expectedSku != null && sku != null && !sku.equals(expectedSku)) {
            violations.add(new FieldViolation("sku", "must match the SKU in the path"));
        }
        else if (expectedSku != null) {
            effectiveSku = expectedSku;
        }
        Price parsed = null;
        Currency knownCurrency = null;
        try {
            knownCurrency = Currency.getInstance(currency);
        }
        catch (IllegalArgumentException ex) {
            violations.add(new FieldViolation("currency", "is not an ISO 4217 currency"));
        }
        if (knownCurrency != null) {
            try {
                parsed = Price.parse(price, knownCurrency);
            }
            catch (IllegalArgumentException ex) {
                violations.add(new FieldViolation("price", ex.getMessage()));
            }
        }
        if (!saleEndsAt.isAfter(saleStartsAt)) {
            violations.add(new FieldViolation("saleEndsAt", "must be after saleStartsAt"));
        }
        if (!violations.isEmpty()) {
            throw new InvalidRequestException(violations);
        }
        return new ProductDraft(effectiveSku, name.strip(), description, parsed, saleStartsAt, saleEndsAt, perBuyerLimit,
                active == null || active);
    }
}
