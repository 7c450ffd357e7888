package com.flashkey.inventory.config;

import java.util.List;

import org.springframework.r2dbc.core.DatabaseClient;

import io.r2dbc.spi.Result;
import io.r2dbc.spi.Statement;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Multi-row statements bound straight on the driver's {@link Statement}. {@code DatabaseClient.bind} copies its
 * binding map on every call, which is quadratic for thousands of bind markers; this binds in place. Runs through
 * {@link DatabaseClient#inConnection}, so it joins the caller's transaction.
 */
public final class BulkStatements {

    private BulkStatements() {
    }

    /** Binds one row's values, in column order. */
    public interface RowBinder<T> {
        void bind(Binder binder, T row);
    }

    /** Positional binding with a running index. */
    public static final class Binder {

        private final Statement statement;
        private int index;

        Binder(Statement statement) {
            this.statement = statement;
        }

        public Binder bind(Object value) {
            statement.bind(index++, value);
            return this;
        }
    }

    /** Runs {@code sql} (whose VALUES tuples the caller built) with every row bound; returns rows updated. */
    public static <T> Mono<Long> execute(DatabaseClient db, String sql, List<T> rows, RowBinder<T> rowBinder) {
        return db.inConnection(connection -> {
            Statement statement = connection.createStatement(sql);
            Binder binder = new Binder(statement);
            for (T row : rows) {
                rowBinder.bind(binder, row);
            }
            return Flux.from(statement.execute()).flatMap(Result::getRowsUpdated).reduce(0L, Long::sum);
        });
    }
}
