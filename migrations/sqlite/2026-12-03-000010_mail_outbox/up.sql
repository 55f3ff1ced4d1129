-- Outgoing e-mail. A message is written here in the same transaction as the change that
-- causes it (a rolled-back change sends nothing) and a background worker delivers it
-- (a crash between commit and send loses nothing: the row stays pending).
-- Invariants: status is 'pending', 'sent' or 'failed'; a pending message is delivered by
-- one worker at a time (claimed_until is set by a guarded update before sending).
CREATE TABLE outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    kind TEXT NOT NULL,
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    customer_id INTEGER REFERENCES customers(id) ON DELETE SET NULL,
    status TEXT NOT NULL DEFAULT 'pending',
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    claimed_until TIMESTAMP,
    last_error TEXT,
    created_at TIMESTAMP NOT NULL,
    sent_at TIMESTAMP
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
CREATE INDEX outbox_customer ON outbox (customer_id);

-- Single-use links e-mailed to a customer: password reset, e-mail confirmation and e-mail
-- change. Only a hash of the token is kept; the link carries the token itself.
-- Invariants: a token is used at most once (used_at is set by a guarded update) and never
-- after expires_at; email is the address the link was sent to.
CREATE TABLE customer_tokens (
    token_hash TEXT PRIMARY KEY NOT NULL,
    customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    purpose TEXT NOT NULL,
    email TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP
);
CREATE INDEX customer_tokens_customer ON customer_tokens (customer_id, purpose);

-- When the customer proved they own their e-mail; guest orders move to the account then.
ALTER TABLE customer_accounts ADD COLUMN email_confirmed_at TIMESTAMP;

-- The customer a storefront session is signed in as, so a password reset or an e-mail
-- change can end the customer's other sessions on the server.
ALTER TABLE sessions ADD COLUMN customer_id INTEGER;
CREATE INDEX sessions_customer ON sessions (customer_id);

-- The checkout form's one-time key: a form submitted twice places one order.
ALTER TABLE orders ADD COLUMN checkout_key TEXT;
CREATE UNIQUE INDEX orders_checkout_key ON orders (checkout_key);

-- Points paid at checkout (seed 004's program, when it gives points a value): the order's
-- total is what is left to pay in money after them.
-- Invariant: total_cents = subtotal_cents + shipping_cents - points_discount_cents.
-- (No CHECK here: SQLite could not drop the columns again. PostgreSQL has them.)
ALTER TABLE orders ADD COLUMN points_used BIGINT NOT NULL DEFAULT 0;
ALTER TABLE orders ADD COLUMN points_discount_cents BIGINT NOT NULL DEFAULT 0;

-- Points move with guest orders to the account of the same e-mail ('merge_out' on the guest
-- record, 'merge_in' on the account). SQLite cannot change a CHECK: the table is rebuilt.
CREATE TABLE loyalty_entries_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    customer_id BIGINT NOT NULL REFERENCES customers(id),
    kind TEXT NOT NULL CHECK (kind IN ('earn_order', 'earn_newsletter', 'earn_review',
        'manual_add', 'manual_subtract', 'hold', 'release', 'redeem', 'reversal', 'expiry', 'merge_in', 'merge_out', 'spend', 'unspend')),
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
INSERT INTO loyalty_entries_new SELECT * FROM loyalty_entries;
DROP TABLE loyalty_entries;
ALTER TABLE loyalty_entries_new RENAME TO loyalty_entries;
CREATE INDEX loyalty_entries_customer ON loyalty_entries(customer_id, id);
CREATE INDEX loyalty_entries_order ON loyalty_entries(order_id) WHERE order_id IS NOT NULL;
CREATE INDEX loyalty_entries_created ON loyalty_entries(created_at);
CREATE UNIQUE INDEX loyalty_entries_award ON loyalty_entries(customer_id, award_key)
    WHERE award_key IS NOT NULL;
