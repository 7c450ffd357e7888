package com.flashkey.inventory.stock;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BuyerEmailTests {

    @Test
    void whenEmailsDifferOnlyInCaseSpacesOrPlusTagThenTheyShareOneLimit() {
        assertThat(BuyerEmail.normalise("  Ann+promo@Example.COM ")).isEqualTo("ann@example.com");
        assertThat(BuyerEmail.normalise("ann@example.com")).isEqualTo("ann@example.com");
    }

    @Test
    void whenLocalPartsDifferThenBuyersDiffer() {
        assertThat(BuyerEmail.normalise("ann@example.com")).isNotEqualTo(BuyerEmail.normalise("bob@example.com"));
    }
}
