DROP INDEX customers_email;
DROP TABLE customer_import_rows;
DROP TABLE customer_imports;
