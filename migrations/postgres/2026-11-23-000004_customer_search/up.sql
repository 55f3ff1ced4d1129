-- Search at scale: a trigram index makes "contains" (LIKE '%…%') on search_text an index scan.
-- pg_trgm is a trusted extension (PostgreSQL 13+): the database owner may create it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX customers_search_trgm ON customers USING gin (search_text gin_trgm_ops);
