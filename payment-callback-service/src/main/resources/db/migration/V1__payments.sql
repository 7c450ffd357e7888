-- Received payment notifications: one row per (provider, provider event id). The unique key is the de-duplication:
-- the first copy inserts, every later copy fails the insert and only reads the row's state.
-- state RECEIVED -> PUBLISHED once Kafka acknowledged payment.succeeded. lease_until marks a publish in flight, so a
-- concurrent duplicate does not publish again while a failed first copy (lease released or expired) is retried.
CREATE TABLE payment_notifications (
    id                BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
    provider          VARCHAR(16)  NOT NULL,
    provider_event_id VARCHAR(64)  NOT NULL,
    order_no          VARCHAR(40)  NOT NULL,
    amount_minor      BIGINT       NOT NULL,
    currency          CHAR(3)      NOT NULL,
    transaction_id    VARCHAR(64)  NOT NULL,
    paid_at           DATETIME(6)  NOT NULL,
    received_at       DATETIME(6)  NOT NULL,
    state             VARCHAR(16)  NOT NULL,
    lease_until       DATETIME(6)  NULL,
    publish_attempts  INT          NOT NULL DEFAULT 0,
    published_at      DATETIME(6)  NULL,
    UNIQUE KEY uk_payment_notifications_event (provider, provider_event_id),
    KEY ix_payment_notifications_state (state, lease_until),
    KEY ix_payment_notifications_order (order_no)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

-- Every webhook attempt, valid or not, for audit. No secrets: the body is kept as a SHA-256 and a length only.
CREATE TABLE webhook_attempts (
    id                BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
    provider          VARCHAR(32)  NOT NULL,
    received_at       DATETIME(6)  NOT NULL,
    outcome           VARCHAR(24)  NOT NULL,
    provider_event_id VARCHAR(64)  NULL,
    order_no          VARCHAR(40)  NULL,
    body_sha256       CHAR(64)     NULL,
    body_bytes        INT          NOT NULL,
    remote_address    VARCHAR(64)  NULL,
    detail            VARCHAR(255) NULL,
    KEY ix_webhook_attempts_received (received_at),
    KEY ix_webhook_attempts_event (provider, provider_event_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

-- Orders waiting for payment, learned from order.placed, for reconciliation (and the simulator's amounts).
-- state PENDING -> PAID (the provider confirmed) or CLOSED (expired unpaid, nothing to chase).
CREATE TABLE pending_orders (
    order_no     VARCHAR(40)  NOT NULL PRIMARY KEY,
    amount_minor BIGINT       NOT NULL,
    currency     CHAR(3)      NOT NULL,
    placed_at    DATETIME(6)  NOT NULL,
    expires_at   DATETIME(6)  NOT NULL,
    state        VARCHAR(16)  NOT NULL,
    checked_at   DATETIME(6)  NULL,
    KEY ix_pending_orders_state (state, placed_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;
