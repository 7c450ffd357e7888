package com.flashkey.inventory.stock;

import org.springframework.core.io.ClassPathResource;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Component;

/**
 * The Lua scripts, read once from the classpath. Spring runs them by SHA (EVALSHA) and loads a script only when
 * Redis answers NOSCRIPT (after a restart or SCRIPT FLUSH).
 */
@Component
public class StockScripts {

    final RedisScript<String> reserve = script("reserve", String.class);
    final RedisScript<String> release = script("release", String.class);
    final RedisScript<String> confirm = script("confirm", String.class);
    final RedisScript<Long> addStock = script("add-stock", Long.class);
    final RedisScript<String> due = script("due", String.class);
    final RedisScript<Long> restoreCounters = script("restore-counters", Long.class);
    final RedisScript<Long> restoreReservation = script("restore-reservation", Long.class);

    private static <T> RedisScript<T> script(String name, Class<T> type) {
        return RedisScript.of(new ClassPathResource("scripts/" + name + ".lua"), type);
    }

    /** The reserve script, for the benchmark. */
    public RedisScript<String> reserveScript() {
        return reserve;
    }
}
