DROP INDEX customers_points;
ALTER TABLE customers DROP COLUMN points;
DROP TABLE loyalty_products;
DROP TABLE loyalty_entries;
DROP TABLE loyalty_exchanges;
DROP TABLE loyalty_rewards;
DROP TABLE product_reviews;
DROP TABLE loyalty_accounts;
