package com.flashkey.inventory.stock;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.springframework.core.io.ClassPathResource;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Component;

/**
 * The Lua scripts, read once from the classpath. Spring runs them by SHA (EVALSHA) and loads a script only when
 * Redis answers NOSCRIPT (after a restart or SCRIPT FLUSH). Each is kept as a string: a script built from a
 * Resource re-checks the resource's modification time on every call (a classpath lookup, a stat of the jar and a
 * thrown FileNotFoundException, under the script's lock, on an event loop), about 2% of the service's CPU under
 * order load. The gateway's token-bucket script had the same fix.
 */
@Component
public class StockScripts {

    /** Answers one string per reservation of the call (a multi-bulk reply). */
    @SuppressWarnings("rawtypes")
    final RedisScript<List> reserve = script("reserve", List.class);
    final RedisScript<String> release = script("release", String.class);
    final RedisScript<String> confirm = script("confirm", String.class);
    final RedisScript<Long> addStock = script("add-stock", Long.class);
    final RedisScript<String> due = script("due", String.class);
    final RedisScript<Long> restoreCounters = script("restore-counters", Long.class);
    final RedisScript<Long> restoreReservation = script("restore-reservation", Long.class);

    private static <T> RedisScript<T> script(String name, Class<T> type) {
        try {
            return RedisScript.of(
                    new ClassPathResource("scripts/" + name + ".lua").getContentAsString(StandardCharsets.UTF_8), type);
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }
}
