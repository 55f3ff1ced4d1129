-- Customers module: figures kept on the customer row for the list, notes, tags, the order
-- status history. Figures are maintained by the orders domain in the same transaction as the
-- order change, so they are always current.
ALTER TABLE customers ADD COLUMN anonymized_at TIMESTAMP;
ALTER TABLE customers ADD COLUMN city TEXT;
ALTER TABLE customers ADD COLUMN country TEXT;
ALTER TABLE customers ADD COLUMN order_count BIGINT NOT NULL DEFAULT 0;
ALTER TABLE customers ADD COLUMN spent_cents BIGINT NOT NULL DEFAULT 0;
ALTER TABLE customers ADD COLUMN first_order_at TIMESTAMP;
ALTER TABLE customers ADD COLUMN last_order_at TIMESTAMP;
ALTER TABLE customers ADD COLUMN last_order_status TEXT;
ALTER TABLE customers ADD COLUMN last_payment_method TEXT;
ALTER TABLE customers ADD COLUMN search_text TEXT NOT NULL DEFAULT '';

CREATE INDEX customers_name ON customers(full_name, id);
CREATE INDEX customers_spent ON customers(spent_cents, id);
CREATE INDEX customers_order_count ON customers(order_count, id);
CREATE INDEX customers_last_order ON customers(last_order_at, id);
CREATE INDEX customers_country ON customers(country, id);
CREATE INDEX customers_created_id ON customers(created_at, id);

CREATE TABLE customer_notes (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    customer_id BIGINT NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    author_staff_id BIGINT REFERENCES staff(id) ON DELETE SET NULL,
    body TEXT NOT NULL,
    pinned BOOLEAN NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX customer_notes_customer ON customer_notes(customer_id, created_at);

CREATE TABLE tags (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    name TEXT NOT NULL,
    name_key TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE customer_tags (
    customer_id BIGINT NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    tag_id BIGINT NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (customer_id, tag_id)
);
CREATE INDEX customer_tags_tag ON customer_tags(tag_id, customer_id);

CREATE TABLE order_status_history (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    order_id BIGINT NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
    from_status TEXT,
    to_status TEXT NOT NULL,
    staff_id BIGINT REFERENCES staff(id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX order_status_history_order ON order_status_history(order_id, id);
CREATE INDEX orders_status_placed ON orders(status, placed_at);
