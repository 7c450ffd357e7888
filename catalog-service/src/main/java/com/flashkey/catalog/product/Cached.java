package com.flashkey.catalog.product;

import java.time.Instant;
import java.util.function.BiFunction;

/**
 * A value held in this replica's cache together with the last answer rendered from it, so hot reads send stored
 * bytes instead of serializing per request. The entry is replaced when the value changes; a rendering names the
 * span of time in which it is correct (a product's answer carries its status, which flips when its sale opens or
 * closes), and a read outside that span renders afresh.
 */
public final class Cached<T> {

    private final T value;

    /** Written by whichever reader renders first; racing readers render the same bytes, so the last write wins. */
    private volatile Rendering rendering;

    Cached(T value) {
        this.value = value;
    }

    public T value() {
        return value;
    }

    /** The last rendering if it holds at {@code now}, else a fresh one from {@code render}, kept for the next read. */
    public Rendering renderingAt(Instant now, BiFunction<? super T, Instant, Rendering> render) {
        Rendering last = rendering;
        if (last != null && last.holdsAt(now)) {
            return last;
        }
        Rendering fresh = render.apply(value, now);
        rendering = fresh;
        return fresh;
    }

    /**
     * The body and ETag of an answer, correct from {@code validFrom} (inclusive) until {@code validUntil}
     * (exclusive). The body array is shared by every answer sent from it: never modify it.
     */
    public record Rendering(byte[] body, String etag, Instant validFrom, Instant validUntil) {

        public boolean holdsAt(Instant now) {
            return !now.isBefore(validFrom) && now.isBefore(validUntil);
        }
    }
}
