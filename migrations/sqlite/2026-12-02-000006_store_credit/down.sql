ALTER TABLE orders DROP COLUMN credit_refunded_cents;
ALTER TABLE orders DROP COLUMN credit_paid_cents;
DROP INDEX customers_credit;
ALTER TABLE customers DROP COLUMN credit_cents;
DROP TABLE credit_spend_parts;
DROP TABLE credit_entries;
DROP TABLE credit_lots;
DROP TABLE credit_accounts;
DROP TABLE credit_reasons;
