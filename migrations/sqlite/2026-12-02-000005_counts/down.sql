ALTER TABLE segments DROP COLUMN member_count;
DROP TRIGGER customers_count_delete;
DROP TRIGGER customers_count_insert;
DROP TABLE counters;
