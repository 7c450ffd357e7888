package com.flashkey.catalog.product;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Instant;
import java.util.Currency;

import org.junit.jupiter.api.Test;

class ProductTests {

    private static final Instant STARTS = Instant.parse("2026-12-01T12:00:00Z");
    private static final Instant ENDS = Instant.parse("2026-12-01T14:00:00Z");

    private static Product product(boolean active) {
        return new Product("STEAM-100", "Steam 100", null, 990, "CNY", STARTS, ENDS, 2, active, 0);
    }

    @Test
    void whenSaleHasNotStartedThenStatusIsNotStarted() {
        assertThat(product(true).statusAt(STARTS.minusMillis(1))).isEqualTo(ProductStatus.NOT_STARTED);
    }

    @Test
    void whenSaleWindowIsOpenThenStatusIsOnSaleFromStartInclusiveToEndExclusive() {
        assertThat(product(true).statusAt(STARTS)).isEqualTo(ProductStatus.ON_SALE);
        assertThat(product(true).statusAt(ENDS.minusMillis(1))).isEqualTo(ProductStatus.ON_SALE);
        assertThat(product(true).statusAt(ENDS)).isEqualTo(ProductStatus.ENDED);
    }

    @Test
    void whenProductIsInactiveThenStatusIsOffShelfWhateverTheWindow() {
        assertThat(product(false).statusAt(STARTS.plusSeconds(60))).isEqualTo(ProductStatus.OFF_SHELF);
        assertThat(product(false).statusAt(ENDS.plusSeconds(60))).isEqualTo(ProductStatus.OFF_SHELF);
    }

    @Test
    void whenAskedForTheStatusWindowThenItSpansTheInstantsWithTheSameStatusAndNoOther() {
        Product product = product(true);
        assertThat(product.statusWindowAt(STARTS.minusSeconds(3600)))
            .isEqualTo(new StatusWindow(ProductStatus.NOT_STARTED, Instant.MIN, STARTS));
        assertThat(product.statusWindowAt(STARTS)).isEqualTo(new StatusWindow(ProductStatus.ON_SALE, STARTS, ENDS));
        assertThat(product.statusWindowAt(ENDS.minusMillis(1)))
            .isEqualTo(new StatusWindow(ProductStatus.ON_SALE, STARTS, ENDS));
        assertThat(product.statusWindowAt(ENDS)).isEqualTo(new StatusWindow(ProductStatus.ENDED, ENDS, Instant.MAX));
        assertThat(product(false).statusWindowAt(STARTS))
            .isEqualTo(new StatusWindow(ProductStatus.OFF_SHELF, Instant.MIN, Instant.MAX));
        for (Instant probe : new Instant[] { STARTS.minusMillis(1), STARTS, ENDS.minusMillis(1), ENDS }) {
            StatusWindow window = product.statusWindowAt(probe);
            assertThat(window.contains(probe)).isTrue();
            assertThat(window.status()).isEqualTo(product.statusAt(probe));
        }
        assertThat(product.statusWindowAt(STARTS).contains(STARTS.minusMillis(1))).isFalse();
        assertThat(product.statusWindowAt(STARTS).contains(ENDS)).isFalse();
    }

    @Test
    void whenPriceIsParsedThenItIsStoredInMinorUnitsAndPrintedWithTheCurrencyDecimals() {
        Price price = Price.parse("9.9", Currency.getInstance("CNY"));
        assertThat(price.minor()).isEqualTo(990);
        assertThat(price.amount()).isEqualTo("9.90");
        assertThat(Price.parse("1500", Currency.getInstance("JPY")).amount()).isEqualTo("1500");
        assertThat(Price.ofMinor(5, "USD").amount()).isEqualTo("0.05");
    }

    @Test
    void whenPriceHasMoreDecimalsThanTheCurrencyAllowsThenItIsRefused() {
        assertThatIllegalArgumentException().isThrownBy(() -> Price.parse("9.999", Currency.getInstance("CNY")))
            .withMessageContaining("decimal places");
        assertThatIllegalArgumentException().isThrownBy(() -> Price.parse("10.5", Currency.getInstance("JPY")));
    }

    @Test
    void whenPriceIsNegativeOrNotANumberThenItIsRefused() {
        assertThatIllegalArgumentException().isThrownBy(() -> Price.parse("-1.00", Currency.getInstance("CNY")));
        assertThatIllegalArgumentException().isThrownBy(() -> Price.parse("nine", Currency.getInstance("CNY")));
    }
}
