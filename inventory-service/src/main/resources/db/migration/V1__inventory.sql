-- Card-key pool. Codes are AES-256-GCM ciphertext (iv || ciphertext+tag) under the key named by key_id;
-- code_hmac (HMAC-SHA256 of sku and code) finds duplicates without ever storing or comparing plaintext.
CREATE TABLE import_batches (
    id           BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
    sku          VARCHAR(40)  NOT NULL,
    imported_by  VARCHAR(200) NOT NULL,
    started_at   DATETIME(3)  NOT NULL,
    finished_at  DATETIME(3)  NULL,
    total_lines  INT          NOT NULL DEFAULT 0,
    imported     INT          NOT NULL DEFAULT 0,
    duplicates   INT          NOT NULL DEFAULT 0,
    rejected     INT          NOT NULL DEFAULT 0,
    KEY idx_batches_sku (sku)
) ENGINE = InnoDB;

CREATE TABLE card_keys (
    id          BIGINT         NOT NULL AUTO_INCREMENT PRIMARY KEY,
    sku         VARCHAR(40)    NOT NULL,
    code_hmac   BINARY(32)     NOT NULL,
    code_cipher VARBINARY(1200) NOT NULL,
    key_id      VARCHAR(32)    NOT NULL,
    status      VARCHAR(12)    NOT NULL,
    order_no    VARCHAR(40)    NULL,
    batch_id    BIGINT         NOT NULL,
    created_at  DATETIME(3)    NOT NULL,
    sold_at     DATETIME(3)    NULL,
    UNIQUE KEY uk_card_keys_sku_hmac (sku, code_hmac),
    KEY idx_card_keys_sku_status (sku, status, id),
    KEY idx_card_keys_order (order_no)
) ENGINE = InnoDB;

-- Durable copy of reservations (Redis holds the live one). Written behind the reserve call in batches and
-- upserted from order.placed; status moves RESERVED -> RELEASED | CONFIRMED | FAILED and never back within
-- one attempt. Rebuild takes "live reservations" from here.
CREATE TABLE reservations (
    order_no   VARCHAR(40)  NOT NULL PRIMARY KEY,
    attempt    INT          NOT NULL,
    sku        VARCHAR(40)  NOT NULL,
    quantity   INT          NOT NULL,
    buyer      VARCHAR(320) NOT NULL,
    deadline   DATETIME(3)  NOT NULL,
    status     VARCHAR(12)  NOT NULL,
    order_seen BOOLEAN      NOT NULL DEFAULT FALSE,
    created_at DATETIME(3)  NOT NULL,
    updated_at DATETIME(3)  NOT NULL,
    KEY idx_reservations_sku_status (sku, status)
) ENGINE = InnoDB;

-- One row per paid order: inserted first in the allocation transaction, so a replayed order.paid allocates nothing.
CREATE TABLE allocations (
    order_no     VARCHAR(40) NOT NULL PRIMARY KEY,
    sku          VARCHAR(40) NOT NULL,
    quantity     INT         NOT NULL,
    outcome      VARCHAR(12) NOT NULL,
    allocated_at DATETIME(3) NOT NULL
) ENGINE = InnoDB;

-- Transactional outbox: events written with the business change, published by the relay.
CREATE TABLE outbox (
    id         BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
    topic      VARCHAR(100) NOT NULL,
    msg_key    VARCHAR(100) NOT NULL,
    payload    MEDIUMBLOB   NOT NULL,
    created_at DATETIME(3)  NOT NULL,
    sent_at    DATETIME(3)  NULL,
    KEY idx_outbox_unsent (sent_at, id)
) ENGINE = InnoDB;
