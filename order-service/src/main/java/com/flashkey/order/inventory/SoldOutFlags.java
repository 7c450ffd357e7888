package com.flashkey.order.inventory;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

import com.flashkey.order.config.OrderProperties;

/**
 * SKUs whose stock counter inventory just reported empty, remembered in this process for {@code sold-out-ttl}, so a
 * sold-out storm is refused here instead of costing an inventory call (and a Redis script) per buyer. Only the
 * answer "sold out with nothing left" sets a flag: it holds for every quantity. Stock that comes back (an unpaid
 * order expires, another replica releases) is offered again at the latest one TTL later; a release made by this
 * process clears the flag at once. A stale flag can only refuse a buyer, never oversell: inventory's script still
 * decides every reservation.
 */
@Component
public class SoldOutFlags {

    /** Bounds the map so random SKUs cannot grow it without end. */
    private static final int MAX_FLAGS = 10_000;

    private final Map<String, Long> soldOutUntil = new ConcurrentHashMap<>();
    private final long ttlNanos;
    private final LongSupplier nanoTime;

    @Autowired
    SoldOutFlags(OrderProperties properties) {
        this(properties.soldOutTtl(), System::nanoTime);
    }

    SoldOutFlags(Duration ttl, LongSupplier nanoTime) {
        this.ttlNanos = ttl.toNanos();
        this.nanoTime = nanoTime;
    }

    /** Whether inventory said within the TTL that the SKU has nothing left. */
    public boolean soldOut(String sku) {
        Long until = soldOutUntil.get(sku);
        if (until == null) {
            return false;
        }
        if (until - nanoTime.getAsLong() > 0) {
            return true;
        }
        soldOutUntil.remove(sku, until);
        return false;
    }

    /** Remembers inventory's answer when it says the counter is empty; a zero TTL turns the flag off. */
    public void noteAnswer(String sku, Reservation reservation) {
        if (ttlNanos > 0 && reservation.outcome() == Reservation.Outcome.SOLD_OUT && reservation.available() <= 0) {
            if (soldOutUntil.size() >= MAX_FLAGS) {
                soldOutUntil.clear();
            }
            soldOutUntil.put(sku, nanoTime.getAsLong() + ttlNanos);
        }
    }

    /** Stock of the SKU may have come back (this process released a reservation). */
    public void clear(String sku) {
        soldOutUntil.remove(sku);
    }
}
