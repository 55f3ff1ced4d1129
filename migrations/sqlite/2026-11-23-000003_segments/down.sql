DROP INDEX customers_city;
DROP INDEX customers_newsletter;
DROP TABLE segments;
