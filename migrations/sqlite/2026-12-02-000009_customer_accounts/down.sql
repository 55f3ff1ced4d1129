DROP TABLE customer_accounts;
