-- Storefront accounts (seed 003 "Cuentas de clientes"): a registered customer who can sign
-- in. A separate identity from staff: its own table, its own session key.
-- Invariant: at most one account per customer; only registered customers have one (their
-- e-mail is unique among registered customers, see customers_registered_email).
CREATE TABLE customer_accounts (
    customer_id BIGINT PRIMARY KEY REFERENCES customers(id) ON DELETE CASCADE,
    password_hash TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
