package com.flashkey.order.order;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/**
 * An order number: 24 upper-case base-36 characters {@code TTTTTTTTT SS RRRRRRRRRRRRR} (no spaces):
 * <ul>
 * <li>{@code T} (9): milliseconds since the epoch, zero-padded, so numbers sort by creation time (good until 5188);</li>
 * <li>{@code S} (2): the shard index (0..1295), so anyone can route a lookup without a directory;</li>
 * <li>{@code R} (13): 64 bits from {@link SecureRandom}, so numbers cannot be guessed or enumerated.</li>
 * </ul>
 * Digits sort before letters in ASCII, so plain string order is time order. Other services treat it as opaque.
 */
public record OrderNo(String value) implements Comparable<OrderNo> {

    public static final int LENGTH = 24;

    private static final int TIME_CHARS = 9;
    private static final int SHARD_CHARS = 2;
    private static final int RANDOM_CHARS = 13;
    private static final int MAX_SHARDS = 36 * 36;
    private static final SecureRandom RANDOM = new SecureRandom();

    public OrderNo {
        if (!wellFormed(value)) {
            throw new IllegalArgumentException("not an order number");
        }
    }

    /** A fresh order number created at {@code now} on {@code shard}. */
    public static OrderNo generate(Instant now, int shard) {
        if (shard < 0 || shard >= MAX_SHARDS) {
            throw new IllegalArgumentException("shard " + shard + " out of range");
        }
        return new OrderNo(pad(Long.toString(now.toEpochMilli(), 36), TIME_CHARS)
                + pad(Integer.toString(shard, 36), SHARD_CHARS)
                + pad(Long.toUnsignedString(RANDOM.nextLong(), 36), RANDOM_CHARS));
    }

    /** The order number in {@code text}, or empty when it is not one (a lookup then answers 404). */
    public static Optional<OrderNo> parse(String text) {
        return wellFormed(text) ? Optional.of(new OrderNo(text)) : Optional.empty();
    }

    public int shard() {
        return Integer.parseInt(value.substring(TIME_CHARS, TIME_CHARS + SHARD_CHARS), 36);
    }

    public Instant createdAt() {
        return Instant.ofEpochMilli(Long.parseLong(value.substring(0, TIME_CHARS), 36));
    }

    @Override
    public int compareTo(OrderNo other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }

    private static boolean wellFormed(String text) {
        if (text == null || text.length() != LENGTH) {
            return false;
        }
        for (int i = 0; i < LENGTH; i++) {
            char c = text.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z'))) {
                return false;
            }
        }
        // The random part must fit in 64 bits.
        try {
            Long.parseUnsignedLong(text.substring(TIME_CHARS + SHARD_CHARS), 36);
            return true;
        }
        catch (NumberFormatException ex) {
            return false;
        }
    }

    private static String pad(String digits, int width) {
        String upper = digits.toUpperCase(Locale.ROOT);
        if (upper.length() > width) {
            throw new IllegalStateException("value does not fit in " + width + " base-36 digits");
        }
        return "0".repeat(width - upper.length()) + upper;
    }
}
