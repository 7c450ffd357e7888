-- The sent-message log: one row per (order, channel, template, request); the unique key makes each delivery
-- happen once. status: SENDING (claimed, send in flight or interrupted), SENT, FAILED (last attempt failed).
-- Times are UTC, written by the database (UTC_TIMESTAMP) so replicas never compare their own clocks.
CREATE TABLE sent_messages (
    id                     BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
    order_no               VARCHAR(40)  NOT NULL,
    channel                VARCHAR(16)  NOT NULL,
    template               VARCHAR(32)  NOT NULL,
    request_id             VARCHAR(64)  NOT NULL DEFAULT '',
    status                 VARCHAR(16)  NOT NULL,
    attempts               INT          NOT NULL,
    possible_duplicate     BOOLEAN      NOT NULL DEFAULT FALSE,
    last_error             VARCHAR(120) NULL,
    event_id               CHAR(36)     NOT NULL,
    claimed_at             DATETIME(3)  NOT NULL,
    sent_at                DATETIME(3)  NULL,
    delivered_published_at DATETIME(3)  NULL,
    CONSTRAINT uk_sent_messages UNIQUE (order_no, channel, template, request_id),
    INDEX ix_sent_messages_unpublished (status, delivered_published_at, sent_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
