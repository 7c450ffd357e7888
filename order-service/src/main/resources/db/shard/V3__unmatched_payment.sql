-- Verified payments that could not be applied to an order (malformed or unknown order number, or an amount an
-- order can no longer take), kept for an operator to refund or apply by hand. Every shard has the table; a payment
-- lives in the shard its order number names, or in shard 0 when the number names none. One row per provider event.
CREATE TABLE unmatched_payment (
    id                BIGINT       NOT NULL AUTO_INCREMENT,
    provider          VARCHAR(40)  NOT NULL,
    provider_event_id VARCHAR(64)  NOT NULL,
    order_no          VARCHAR(40)  NULL COMMENT 'as the provider reported it; not necessarily an order number',
    amount_minor      BIGINT       NOT NULL,
    currency          VARCHAR(3)   NOT NULL,
    transaction_id    VARCHAR(100) NULL,
    paid_at           DATETIME(6)  NULL,
    reason            VARCHAR(40)  NOT NULL,
    detail            VARCHAR(255) NULL,
    recorded_at       DATETIME(6)  NOT NULL,
    PRIMARY KEY (id),
    UNIQUE KEY uk_unmatched_payment_event (provider, provider_event_id),
    KEY idx_unmatched_payment_recorded (recorded_at)
) ENGINE = InnoDB;
