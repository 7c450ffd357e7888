package com.flashkey.catalog.product;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

import org.junit.jupiter.api.Test;

import com.flashkey.catalog.product.Cached.Rendering;

/** The rendered answer kept in a cache entry: reused while it holds, rendered afresh outside its window. */
class CachedTests {

    private static final Instant STARTS = Instant.parse("2026-12-01T12:00:00Z");
    private static final Instant ENDS = Instant.parse("2026-12-01T14:00:00Z");

    private final Product product = new Product("STEAM-100", "Steam 100", null, 990, "CNY", STARTS, ENDS, 2, true, 3);
    private final List<Instant> renderedAt = new ArrayList<>();
    private final BiFunction<Product, Instant, Rendering> render = (value, now) -> {
        renderedAt.add(now);
        StatusWindow window = value.statusWindowAt(now);
        return new Rendering(window.status().name().getBytes(StandardCharsets.UTF_8), "\"" + window.status() + "\"",
                window.from(), window.until());
    };

    private String bodyAt(Cached<Product> cached, Instant now) {
        return new String(cached.renderingAt(now, render).body(), StandardCharsets.UTF_8);
    }

    @Test
    void whenReadAgainWhileTheStatusHoldsThenTheSameBytesAreAnsweredWithoutRendering() {
        Cached<Product> cached = new Cached<>(product);
        Rendering first = cached.renderingAt(STARTS.plusSeconds(1), render);
        Rendering second = cached.renderingAt(ENDS.minusMillis(1), render);
        assertThat(second).isSameAs(first);
        assertThat(renderedAt).hasSize(1);
    }

    @Test
    void whenTheSaleOpensOrClosesThenTheNextReadRendersTheNewStatus() {
        Cached<Product> cached = new Cached<>(product);
        assertThat(bodyAt(cached, STARTS.minusMillis(1))).isEqualTo("NOT_STARTED");
        assertThat(bodyAt(cached, STARTS)).isEqualTo("ON_SALE");
        assertThat(bodyAt(cached, ENDS.minusMillis(1))).isEqualTo("ON_SALE");
        assertThat(bodyAt(cached, ENDS)).isEqualTo("ENDED");
        assertThat(bodyAt(cached, ENDS.plusSeconds(86_400))).isEqualTo("ENDED");
        assertThat(renderedAt).containsExactly(STARTS.minusMillis(1), STARTS, ENDS);
    }

    @Test
    void whenTheClockStepsBackBeforeTheWindowThenTheEarlierStatusIsRenderedAgain() {
        Cached<Product> cached = new Cached<>(product);
        assertThat(bodyAt(cached, STARTS)).isEqualTo("ON_SALE");
        assertThat(bodyAt(cached, STARTS.minusMillis(1))).isEqualTo("NOT_STARTED");
    }
}
