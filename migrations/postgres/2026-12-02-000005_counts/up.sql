-- Counts the list shows without counting: the number of customers, kept by triggers so no
-- code path (the forms, the generator, a later import) can forget it; and each segment's
-- member count, kept by the domain (`domain::segments::track`) on every customer change.
CREATE TABLE counters (
    name TEXT PRIMARY KEY,
    value BIGINT NOT NULL CHECK (value >= 0)
);
INSERT INTO counters (name, value) SELECT 'customers', COUNT(*) FROM customers;
-- Statement-level with transition tables: a multi-row INSERT updates the counter once, not
-- once per row.
CREATE FUNCTION customers_count_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE counters SET value = value + (SELECT COUNT(*) FROM inserted) WHERE name = 'customers';
    RETURN NULL;
END $$;
CREATE FUNCTION customers_count_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE counters SET value = value - (SELECT COUNT(*) FROM deleted) WHERE name = 'customers';
    RETURN NULL;
END $$;
CREATE TRIGGER customers_count_insert AFTER INSERT ON customers
    REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION customers_count_inserted();
CREATE TRIGGER customers_count_delete AFTER DELETE ON customers
    REFERENCING OLD TABLE AS deleted FOR EACH STATEMENT EXECUTE FUNCTION customers_count_deleted();
-- NULL until the segment has been counted once (segments saved before this migration).
ALTER TABLE segments ADD COLUMN member_count BIGINT CHECK (member_count >= 0);
