DELETE FROM loyalty_entries WHERE kind IN ('merge_in', 'merge_out', 'spend', 'unspend');
ALTER TABLE orders DROP COLUMN points_discount_cents;
ALTER TABLE orders DROP COLUMN points_used;
ALTER TABLE loyalty_entries DROP CONSTRAINT loyalty_entries_kind_check;
ALTER TABLE loyalty_entries ADD CONSTRAINT loyalty_entries_kind_check CHECK (kind IN (
    'earn_order', 'earn_newsletter', 'earn_review', 'manual_add', 'manual_subtract', 'hold',
    'release', 'redeem', 'reversal', 'expiry'));
DROP INDEX orders_checkout_key;
ALTER TABLE orders DROP COLUMN checkout_key;
DROP INDEX sessions_customer;
ALTER TABLE sessions DROP COLUMN customer_id;
ALTER TABLE customer_accounts DROP COLUMN email_confirmed_at;
DROP TABLE customer_tokens;
DROP TABLE outbox;
