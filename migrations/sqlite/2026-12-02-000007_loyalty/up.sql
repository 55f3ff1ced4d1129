-- Loyalty program ("Program lojalnościowy", seed 004): a points account per customer, an
-- append-only ledger of every movement, product reviews (a reason to earn), the rewards
-- catalogue and exchange orders (points held, then accepted or rejected by staff).
-- Invariants (checked by the database where it can): the balance is never negative; the
-- balance equals the sum of the ledger; each award happens once per (customer, award key).
CREATE TABLE loyalty_accounts (
    customer_id BIGINT PRIMARY KEY NOT NULL REFERENCES customers(id),
    balance BIGINT NOT NULL CHECK (balance >= 0),
    -- Points earned over the account's life (top earners), never lowered.
    earned_total BIGINT NOT NULL DEFAULT 0 CHECK (earned_total >= 0),
    -- The last award: points expire after a configured time without earning.
    last_earned_at TIMESTAMP,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX loyalty_accounts_earned ON loyalty_accounts(earned_total);
CREATE INDEX loyalty_accounts_expiring ON loyalty_accounts(last_earned_at) WHERE balance > 0;

CREATE TABLE product_reviews (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    customer_id BIGINT NOT NULL REFERENCES customers(id),
    product_id BIGINT NOT NULL REFERENCES products(id),
    rating INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
    body TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
    created_by BIGINT REFERENCES staff(id) ON DELETE SET NULL,
    decided_by BIGINT REFERENCES staff(id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    decided_at TIMESTAMP
);
CREATE INDEX product_reviews_status ON product_reviews(status, id);
CREATE INDEX product_reviews_customer ON product_reviews(customer_id, id);

CREATE TABLE loyalty_rewards (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    product_id BIGINT NOT NULL UNIQUE REFERENCES products(id),
    points BIGINT NOT NULL CHECK (points > 0),
    stock BIGINT NOT NULL CHECK (stock >= 0),
    active BOOLEAN NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE loyalty_exchanges (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    customer_id BIGINT NOT NULL REFERENCES customers(id),
    reward_id BIGINT NOT NULL REFERENCES loyalty_rewards(id),
    points BIGINT NOT NULL CHECK (points > 0),
    status TEXT NOT NULL CHECK (status IN ('pending', 'accepted', 'rejected')),
    -- The order created when staff accept.
    order_id BIGINT REFERENCES orders(id),
    idempotency_key TEXT,
    created_by BIGINT REFERENCES staff(id) ON DELETE SET NULL,
    decided_by BIGINT REFERENCES staff(id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    decided_at TIMESTAMP
);
CREATE INDEX loyalty_exchanges_status ON loyalty_exchanges(status, id);
CREATE INDEX loyalty_exchanges_customer ON loyalty_exchanges(customer_id, id);
CREATE UNIQUE INDEX loyalty_exchanges_idempotency ON loyalty_exchanges(customer_id, idempotency_key)
    WHERE idempotency_key IS NOT NULL;

CREATE TABLE loyalty_entries (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    customer_id BIGINT NOT NULL REFERENCES customers(id),
    kind TEXT NOT NULL CHECK (kind IN ('earn_order', 'earn_newsletter', 'earn_review',
        'manual_add', 'manual_subtract', 'hold', 'release', 'redeem', 'reversal', 'expiry')),
    -- Signed: credits positive, debits negative. Only an acceptance ('redeem') moves nothing:
    -- its points were taken when they were held.
    points BIGINT NOT NULL CHECK (points <> 0 OR kind = 'redeem'),
    balance_after BIGINT NOT NULL CHECK (balance_after >= 0),
    order_id BIGINT REFERENCES orders(id),
    review_id BIGINT REFERENCES product_reviews(id),
    exchange_id BIGINT REFERENCES loyalty_exchanges(id),
    reason TEXT,
    -- What makes the movement happen once: 'order:12', 'newsletter', 'review:5',
    -- 'cancel:12', 'refund:7', or a form's operation id.
    award_key TEXT,
    actor_staff_id BIGINT REFERENCES staff(id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX loyalty_entries_customer ON loyalty_entries(customer_id, id);
CREATE INDEX loyalty_entries_order ON loyalty_entries(order_id) WHERE order_id IS NOT NULL;
CREATE INDEX loyalty_entries_created ON loyalty_entries(created_at);
CREATE UNIQUE INDEX loyalty_entries_award ON loyalty_entries(customer_id, award_key)
    WHERE award_key IS NOT NULL;

-- Products that earn points when the program earns on selected products only.
CREATE TABLE loyalty_products (
    product_id BIGINT PRIMARY KEY NOT NULL REFERENCES products(id)
);

-- The balance on the customer row, for the list filter "has points".
ALTER TABLE customers ADD COLUMN points BIGINT NOT NULL DEFAULT 0 CHECK (points >= 0);
CREATE INDEX customers_points ON customers(points, id) WHERE points > 0;
