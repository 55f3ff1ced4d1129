-- Store credit ("Créditos de tienda"): lots granted to a customer, an append-only ledger of
-- every movement, and one account row per customer and currency holding the balance.
-- Invariants (checked by the database where it can): the balance is never negative; a lot's
-- remaining amount stays between 0 and its amount; the balance equals the sum of the ledger.
CREATE TABLE credit_reasons (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    -- Built-in reasons have a code (translated); merchant-added ones a name.
    code TEXT UNIQUE,
    name TEXT,
    name_key TEXT UNIQUE,
    active BOOLEAN NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    CHECK (code IS NOT NULL OR name IS NOT NULL)
);
INSERT INTO credit_reasons (code, created_at) VALUES
    ('return', CURRENT_TIMESTAMP), ('exchange', CURRENT_TIMESTAMP),
    ('compensation', CURRENT_TIMESTAMP), ('other', CURRENT_TIMESTAMP);

CREATE TABLE credit_accounts (
    customer_id BIGINT NOT NULL REFERENCES customers(id),
    currency TEXT NOT NULL,
    balance_cents BIGINT NOT NULL CHECK (balance_cents >= 0),
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (customer_id, currency)
);

CREATE TABLE credit_lots (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    customer_id BIGINT NOT NULL REFERENCES customers(id),
    currency TEXT NOT NULL,
    amount_cents BIGINT NOT NULL CHECK (amount_cents > 0),
    remaining_cents BIGINT NOT NULL CHECK (remaining_cents >= 0 AND remaining_cents <= amount_cents),
    reason_id BIGINT NOT NULL REFERENCES credit_reasons(id),
    note TEXT,
    expires_at TIMESTAMP,
    -- A refund to store credit: the order it refunds.
    order_id BIGINT REFERENCES orders(id),
    granted_by BIGINT REFERENCES staff(id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    voided_at TIMESTAMP,
    expired_at TIMESTAMP
);
CREATE INDEX credit_lots_customer ON credit_lots(customer_id, currency, id);
CREATE INDEX credit_lots_expiring ON credit_lots(expires_at) WHERE remaining_cents > 0;

CREATE TABLE credit_entries (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    customer_id BIGINT NOT NULL REFERENCES customers(id),
    currency TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('grant', 'spend', 'reversal', 'refund', 'void', 'expiry')),
    -- Signed: credits positive, debits negative; never zero.
    amount_cents BIGINT NOT NULL CHECK (amount_cents <> 0),
    balance_after_cents BIGINT NOT NULL CHECK (balance_after_cents >= 0),
    lot_id BIGINT REFERENCES credit_lots(id),
    order_id BIGINT REFERENCES orders(id),
    -- The spend a reversal undoes.
    reverses_id BIGINT REFERENCES credit_entries(id),
    idempotency_key TEXT,
    actor_staff_id BIGINT REFERENCES staff(id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX credit_entries_customer ON credit_entries(customer_id, id);
CREATE INDEX credit_entries_order ON credit_entries(order_id) WHERE order_id IS NOT NULL;
CREATE INDEX credit_entries_created ON credit_entries(created_at);
CREATE UNIQUE INDEX credit_entries_idempotency ON credit_entries(customer_id, idempotency_key)
    WHERE idempotency_key IS NOT NULL;
-- A spend is reversed at most once.
CREATE UNIQUE INDEX credit_entries_reverses ON credit_entries(reverses_id) WHERE reverses_id IS NOT NULL;

-- Which lots a spend drew from, so a reversal gives back to the same lots.
CREATE TABLE credit_spend_parts (
    entry_id BIGINT NOT NULL REFERENCES credit_entries(id),
    lot_id BIGINT NOT NULL REFERENCES credit_lots(id),
    amount_cents BIGINT NOT NULL CHECK (amount_cents > 0),
    PRIMARY KEY (entry_id, lot_id)
);

-- The store-currency balance on the customer row, for the list filter "has store credit".
ALTER TABLE customers ADD COLUMN credit_cents BIGINT NOT NULL DEFAULT 0 CHECK (credit_cents >= 0);
CREATE INDEX customers_credit ON customers(credit_cents, id) WHERE credit_cents > 0;
-- What an order received from store credit (net of reversals) and refunded into it.
ALTER TABLE orders ADD COLUMN credit_paid_cents BIGINT NOT NULL DEFAULT 0 CHECK (credit_paid_cents >= 0);
ALTER TABLE orders ADD COLUMN credit_refunded_cents BIGINT NOT NULL DEFAULT 0 CHECK (credit_refunded_cents >= 0);
-- A customer's timeline reads the newest audit entries about them.
CREATE INDEX audit_log_entity_id ON audit_log(entity, entity_id, id);
