package com.flashkey.payment.notification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MoneyTests {

    @Test
    void whenAmountsAreDecimalStringsThenMinorUnitsFollowTheCurrencyDigits() {
        assertThat(Money.toMinor("9.90", "CNY")).isEqualTo(990);
        assertThat(Money.toMinor("9.9", "CNY")).isEqualTo(990);
        assertThat(Money.toMinor("12", "USD")).isEqualTo(1200);
        assertThat(Money.toMinor("500", "JPY")).isEqualTo(500);
        assertThat(Money.toDecimal(990, "CNY")).isEqualTo("9.90");
        assertThat(Money.toDecimal(500, "JPY")).isEqualTo("500");
    }

    @Test
    void whenAmountsAreMalformedOrTooPreciseThenTheyAreRefused() {
        assertThatThrownBy(() -> Money.toMinor("9.999", "CNY")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Money.toMinor("1.5", "JPY")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Money.toMinor("-1.00", "CNY")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Money.toMinor("1e3", "CNY")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Money.toMinor(null, "CNY")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Money.toMinor("1.00", "XYZ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Money.toMinor("1.00", "cny")).isInstanceOf(IllegalArgumentException.class);
    }
}
