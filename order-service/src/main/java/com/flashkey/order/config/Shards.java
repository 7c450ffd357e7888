package com.flashkey.order.config;

import java.util.List;

/** Every order shard, by index. An order lives in the shard its order number names. */
public final class Shards {

    private final List<Shard> shards;

    public Shards(List<Shard> shards) {
        this.shards = List.copyOf(shards);
        for (int i = 0; i < this.shards.size(); i++) {
            if (this.shards.get(i).index() != i) {
                throw new IllegalArgumentException("shard at position " + i + " has index " + this.shards.get(i).index());
            }
        }
    }

    public Shard get(int index) {
        if (index < 0 || index >= shards.size()) {
            throw new IllegalArgumentException("no shard " + index + " (have " + shards.size() + ")");
        }
        return shards.get(index);
    }

    /** Whether shard {@code index} exists: an order number may name one beyond the count (a typo, a guess). */
    public boolean has(int index) {
        return index >= 0 && index < shards.size();
    }

    public int count() {
        return shards.size();
    }

    public List<Shard> all() {
        return shards;
    }
}
