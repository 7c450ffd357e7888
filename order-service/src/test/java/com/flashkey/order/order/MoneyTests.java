package com.flashkey.order.order;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MoneyTests {

    @Test
    void whenDecimalPriceIsConvertedThenMinorUnitsFollowTheCurrency() {
        assertThat(Money.toMinor("9.90", "CNY")).isEqualTo(990);
        assertThat(Money.toMinor("9.9", "CNY")).isEqualTo(990);
        assertThat(Money.toMinor("1200", "JPY")).isEqualTo(1200);
        assertThat(Money.toDecimal(1980, "CNY")).isEqualTo("19.80");
        assertThat(Money.toDecimal(1200, "JPY")).isEqualTo("1200");
    }

    @Test
    void whenPriceHasMoreDecimalsThanTheCurrencyThenItIsRefused() {
        assertThatThrownBy(() -> Money.toMinor("9.999", "CNY")).isInstanceOf(ArithmeticException.class);
    }
}
