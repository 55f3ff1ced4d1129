-- Customer groups (seed 002 "Grupos de clientes", seed 003 "Categorías"), group prices,
-- personal discounts and B2B credit options (seed 002 "Ver opciones de crédito").
-- Invariants (checked by the database): a customer is in at most one group; a percentage is
-- stored in basis points between 0 and 10000; no price, limit or amount is negative; one
-- credit option per customer and currency.
CREATE TABLE customer_groups (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    name TEXT NOT NULL,
    name_key TEXT NOT NULL UNIQUE,
    -- The group's default discount, in basis points (1250 = 12.50 %).
    discount_bp BIGINT NOT NULL DEFAULT 0 CHECK (discount_bp BETWEEN 0 AND 10000),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

ALTER TABLE customers ADD COLUMN group_id BIGINT REFERENCES customer_groups(id) ON DELETE SET NULL;
-- The personal discount: none, an amount off each unit (minor units) or a percentage
-- (basis points).
ALTER TABLE customers ADD COLUMN discount_kind TEXT CHECK (discount_kind IN ('amount', 'percent'));
ALTER TABLE customers ADD COLUMN discount_value BIGINT NOT NULL DEFAULT 0
    CHECK (discount_value >= 0 AND (discount_kind IS NOT 'percent' OR discount_value <= 10000));
CREATE INDEX customers_group ON customers(group_id, id);

CREATE TABLE group_prices (
    group_id BIGINT NOT NULL REFERENCES customer_groups(id) ON DELETE CASCADE,
    product_id BIGINT NOT NULL REFERENCES products(id) ON DELETE CASCADE,
    price_cents BIGINT NOT NULL CHECK (price_cents >= 0),
    PRIMARY KEY (group_id, product_id)
);

CREATE TABLE credit_options (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    customer_id BIGINT NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    currency TEXT NOT NULL,
    limit_cents BIGINT NOT NULL CHECK (limit_cents >= 0),
    terms_days INTEGER NOT NULL CHECK (terms_days BETWEEN 0 AND 365),
    -- Refuse new orders on account while an invoice is overdue.
    block_overdue BOOLEAN NOT NULL DEFAULT 1,
    active BOOLEAN NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (customer_id, currency)
);

-- Orders on account: when the invoice falls due and when it was paid.
ALTER TABLE orders ADD COLUMN due_at TIMESTAMP;
ALTER TABLE orders ADD COLUMN settled_at TIMESTAMP;
CREATE INDEX orders_open_on_account ON orders(customer_id, due_at)
    WHERE payment_method = 'on_account' AND settled_at IS NULL;

-- Numbers of orders placed in the panel.
INSERT INTO counters (name, value) VALUES ('order_number', 0);
