-- codguard store schema, MySQL 8 / MariaDB 10.5+. Key format 18 (codguard::store::KEY_FORMAT).
-- Every read is an index lookup: cg_keys by key (primary key), cg_orders by order_id.
CREATE TABLE IF NOT EXISTS cg_meta (
    name  VARCHAR(64) PRIMARY KEY,
    value TEXT NOT NULL
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

CREATE TABLE IF NOT EXISTS cg_orders (
    order_id   VARCHAR(191) PRIMARY KEY,
    placed_at  BIGINT NOT NULL,
    total      DOUBLE NOT NULL DEFAULT 0,
    outcome    VARCHAR(16) NOT NULL,
    negotiated BOOLEAN NOT NULL DEFAULT FALSE,
    signature  TEXT NOT NULL
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

CREATE TABLE IF NOT EXISTS cg_keys (
    `key`    BIGINT NOT NULL,
    order_id VARCHAR(191) NOT NULL,
    PRIMARY KEY (`key`, order_id),
    KEY cg_keys_order_id (order_id),
    CONSTRAINT cg_keys_order FOREIGN KEY (order_id) REFERENCES cg_orders (order_id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

INSERT IGNORE INTO cg_meta (name, value) VALUES ('key_format', '18');
