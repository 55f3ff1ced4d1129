DELETE FROM loyalty_entries WHERE kind IN ('merge_in', 'merge_out');
DROP INDEX orders_checkout_key;
ALTER TABLE orders DROP COLUMN checkout_key;
DROP INDEX sessions_customer;
ALTER TABLE sessions DROP COLUMN customer_id;
ALTER TABLE customer_accounts DROP COLUMN email_confirmed_at;
DROP TABLE customer_tokens;
DROP TABLE outbox;
