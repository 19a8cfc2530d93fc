-- codguard store schema, PostgreSQL. Key format 18 (codguard::store::KEY_FORMAT).
-- Every read is an index lookup: cg_keys by key (primary key), cg_orders by order_id.
CREATE TABLE IF NOT EXISTS cg_meta (
    name  VARCHAR(64) PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS cg_orders (
    order_id   VARCHAR(191) PRIMARY KEY,
    placed_at  BIGINT NOT NULL,
    total      DOUBLE PRECISION NOT NULL DEFAULT 0,
    outcome    VARCHAR(16) NOT NULL,
    negotiated BOOLEAN NOT NULL DEFAULT FALSE,
    signature  TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS cg_keys (
    key      BIGINT NOT NULL,
    order_id VARCHAR(191) NOT NULL REFERENCES cg_orders (order_id) ON DELETE CASCADE,
    PRIMARY KEY (key, order_id)
);

-- Erasure deletes by order id; the cascade needs this index to avoid a scan.
CREATE INDEX IF NOT EXISTS cg_keys_order_id ON cg_keys (order_id);

INSERT INTO cg_meta (name, value) VALUES ('key_format', '18') ON CONFLICT (name) DO NOTHING;
