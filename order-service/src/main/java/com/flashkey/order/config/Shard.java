package com.flashkey.order.config;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.reactive.TransactionalOperator;

/**
 * One order shard: its own pool, client and transactions.
 *
 * @param index        the shard index carried in order numbers
 * @param db           client over this shard's pool
 * @param transactions transactions on this shard's pool (a transaction never spans shards)
 */
public record Shard(int index, DatabaseClient db, TransactionalOperator transactions) {
}
