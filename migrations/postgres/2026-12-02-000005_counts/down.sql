ALTER TABLE segments DROP COLUMN member_count;
DROP TRIGGER customers_count_delete ON customers;
DROP TRIGGER customers_count_insert ON customers;
DROP FUNCTION customers_count_deleted();
DROP FUNCTION customers_count_inserted();
DROP TABLE counters;
