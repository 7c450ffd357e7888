-- Products of the catalog. Prices in minor units of the currency; times are UTC (the R2DBC URL sets
-- connectionTimeZone=UTC and the JVMs run in UTC).
CREATE TABLE product (
    id              BIGINT        NOT NULL AUTO_INCREMENT,
    sku             VARCHAR(40)   NOT NULL,
    name            VARCHAR(200)  NOT NULL,
    description     VARCHAR(2000) NULL,
    price_minor     BIGINT        NOT NULL,
    currency        CHAR(3)       NOT NULL,
    sale_starts_at  DATETIME(6)   NOT NULL,
    sale_ends_at    DATETIME(6)   NOT NULL,
    per_buyer_limit INT           NOT NULL,
    active          BOOLEAN       NOT NULL,
    version         BIGINT        NOT NULL,
    created_at      DATETIME(6)   NOT NULL,
    updated_at      DATETIME(6)   NOT NULL,
    PRIMARY KEY (id),
    UNIQUE KEY uk_product_sku (sku),
    KEY ix_product_active_id (active, id),
    KEY ix_product_sale_window (active, sale_starts_at, sale_ends_at),
    CONSTRAINT ck_product_price CHECK (price_minor >= 0),
    CONSTRAINT ck_product_window CHECK (sale_ends_at > sale_starts_at),
    CONSTRAINT ck_product_limit CHECK (per_buyer_limit >= 1)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
