package com.flashkey.order.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.pool.ConnectionPoolConfiguration;
import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryOptions;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.r2dbc.connection.R2dbcTransactionManager;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.reactive.TransactionalOperator;

/** Builds one R2DBC pool per shard from configuration, after Flyway has migrated every shard over JDBC. */
@Configuration(proxyBeanMethods = false)
class ShardsConfig {

    private static final Logger log = LoggerFactory.getLogger(ShardsConfig.class);

    @Bean(destroyMethod = "")
    Shards shards(OrderProperties properties) {
        OrderProperties.Shards config = properties.shards();
        List<Shard> shards = new ArrayList<>();
        for (int i = 0; i < config.count(); i++) {
            migrate(config, i);
            ConnectionFactory pool = pool(config, i);
            shards.add(new Shard(i, DatabaseClient.create(pool),
                    TransactionalOperator.create(new R2dbcTransactionManager(pool))));
        }
        return new Shards(shards);
    }

    @Bean
    ShardPools shardPools(Shards shards) {
        return new ShardPools(shards);
    }

    /** Runs at start-up on the main thread (blocking JDBC is fine here, never on an event loop). */
    private static void migrate(OrderProperties.Shards config, int shard) {
        String url = config.jdbcUrlOf(shard);
        Flyway.configure().dataSource(url, config.username(), config.password())
                .locations("classpath:db/shard").load().migrate();
        log.info("shard {} migrated", shard);
    }

    private static ConnectionFactory pool(OrderProperties.Shards config, int shard) {
        ConnectionFactoryOptions options = ConnectionFactoryOptions.parse(config.r2dbcUrlOf(shard)).mutate()
                .option(ConnectionFactoryOptions.USER, config.username())
                .option(ConnectionFactoryOptions.PASSWORD, config.password())
                .option(ConnectionFactoryOptions.CONNECT_TIMEOUT, Duration.ofSeconds(3)).build();
        return new ConnectionPool(ConnectionPoolConfiguration.builder(ConnectionFactories.get(options))
                .name("orders-" + shard).initialSize(Math.min(config.poolInitialSize(), config.poolMaxSize()))
                .maxSize(config.poolMaxSize()).maxAcquireTime(Duration.ofSeconds(5))
                .maxIdleTime(Duration.ofMinutes(10)).build());
    }

    /** Closes the pools when the context stops. */
    static final class ShardPools implements AutoCloseable {

        private final Shards shards;

        ShardPools(Shards shards) {
            this.shards = shards;
        }

        @Override
        public void close() {
            // Start-up/shutdown only: disposing a pool is synchronous by nature.
            shards.all().forEach(s -> {
                if (s.db().getConnectionFactory() instanceof ConnectionPool pool) {
                    pool.dispose();
                }
            });
        }
    }
}
