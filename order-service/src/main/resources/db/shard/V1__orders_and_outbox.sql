-- One shard of orders. Every shard has the same schema; an order lives in the shard its order number names.
CREATE TABLE orders (
    order_no        VARCHAR(40)  NOT NULL,
    sku             VARCHAR(40)  NOT NULL,
    quantity        INT          NOT NULL,
    buyer_email     VARCHAR(254) NOT NULL,
    amount_minor    BIGINT       NOT NULL,
    currency        CHAR(3)      NOT NULL,
    locale          VARCHAR(35)  NOT NULL,
    idempotency_key VARCHAR(100) NULL,
    status          VARCHAR(20)  NOT NULL,
    version         INT          NOT NULL DEFAULT 0,
    attempt         INT          NOT NULL DEFAULT 1,
    placed_at       DATETIME(6)  NOT NULL,
    expires_at      DATETIME(6)  NOT NULL,
    paid_at         DATETIME(6)  NULL,
    delivered_at    DATETIME(6)  NULL,
    closed_at       DATETIME(6)  NULL,
    payment_provider VARCHAR(40) NULL,
    payment_transaction_id VARCHAR(100) NULL,
    codes           TEXT         NULL COMMENT 'JSON list of codes sealed with DeliveryCodes (AES-GCM, AAD = order_no)',
    flag            VARCHAR(255) NULL COMMENT 'anomaly someone must look at, e.g. a payment that does not match',
    PRIMARY KEY (order_no),
    -- expiry reads only due PENDING_PAYMENT rows through this index, never the whole table
    KEY idx_orders_status_deadline (status, expires_at),
    KEY idx_orders_buyer (buyer_email, placed_at)
) ENGINE = InnoDB;

-- Events written in the same transaction as the state change they report; the relay publishes and marks them.
CREATE TABLE outbox (
    id         BIGINT       NOT NULL AUTO_INCREMENT,
    event_id   CHAR(36)     NOT NULL,
    topic      VARCHAR(100) NOT NULL,
    msg_key    VARCHAR(40)  NOT NULL,
    payload    MEDIUMBLOB   NOT NULL,
    created_at DATETIME(6)  NOT NULL,
    sent_at    DATETIME(6)  NULL,
    PRIMARY KEY (id),
    UNIQUE KEY uk_outbox_event (event_id),
    KEY idx_outbox_unsent (sent_at, id)
) ENGINE = InnoDB;
