-- Counts the list shows without counting: the number of customers, kept by triggers so no
-- code path (the forms, the generator, a later import) can forget it; and each segment's
-- member count, kept by the domain (`domain::segments::track`) on every customer change.
CREATE TABLE counters (
    name TEXT PRIMARY KEY NOT NULL,
    value BIGINT NOT NULL CHECK (value >= 0)
);
INSERT INTO counters (name, value) SELECT 'customers', COUNT(*) FROM customers;
CREATE TRIGGER customers_count_insert AFTER INSERT ON customers BEGIN
    UPDATE counters SET value = value + 1 WHERE name = 'customers';
END;
CREATE TRIGGER customers_count_delete AFTER DELETE ON customers BEGIN
    UPDATE counters SET value = value - 1 WHERE name = 'customers';
END;
-- NULL until the segment has been counted once (segments saved before this migration).
ALTER TABLE segments ADD COLUMN member_count BIGINT CHECK (member_count >= 0);
