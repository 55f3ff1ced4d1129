-- Segments: saved customer-list filters with a name, shown as tabs over the list.
-- `criteria` is the list's query string (the same parameters the list URL takes).
CREATE TABLE segments (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    name TEXT NOT NULL,
    name_key TEXT NOT NULL UNIQUE,
    criteria TEXT NOT NULL,
    created_by BIGINT REFERENCES staff(id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX customers_newsletter ON customers(newsletter, id);
CREATE INDEX customers_city ON customers(city, id);
