-- Search at scale: a trigram full-text index over customers.search_text, so "contains" search
-- reads the index instead of every row. Kept in step with the table by triggers.
CREATE VIRTUAL TABLE customers_fts USING fts5(
    search_text,
    content = 'customers',
    content_rowid = 'id',
    tokenize = 'trigram'
);
INSERT INTO customers_fts (rowid, search_text) SELECT id, search_text FROM customers;
CREATE TRIGGER customers_fts_insert AFTER INSERT ON customers BEGIN
    INSERT INTO customers_fts (rowid, search_text) VALUES (new.id, new.search_text);
END;
CREATE TRIGGER customers_fts_delete AFTER DELETE ON customers BEGIN
    INSERT INTO customers_fts (customers_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
END;
CREATE TRIGGER customers_fts_update AFTER UPDATE OF search_text ON customers BEGIN
    INSERT INTO customers_fts (customers_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
    INSERT INTO customers_fts (rowid, search_text) VALUES (new.id, new.search_text);
END;
