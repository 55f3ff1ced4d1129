-- CSV imports of customers: the uploaded file kept row by row, so the preview, the batched
-- import and the download of rejected rows all read the same data, and an import cut short by
-- a crash resumes where its last committed batch ended.
-- Invariants: a row's state moves pending → created | updated | rejected once, in the same
-- transaction as the change it stands for; the import's counters are the sums of its rows.
CREATE TABLE customer_imports (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    staff_id BIGINT NOT NULL REFERENCES staff(id),
    file_name TEXT NOT NULL,
    separator TEXT NOT NULL CHECK (separator IN (',', ';')),
    mode TEXT NOT NULL CHECK (mode IN ('create', 'update')),
    state TEXT NOT NULL CHECK (state IN ('preview', 'running', 'done')),
    -- The file's header as it was, a JSON array of strings.
    header TEXT NOT NULL,
    -- The field each column was read as, a JSON array (null: ignored column).
    fields TEXT NOT NULL,
    total_rows BIGINT NOT NULL,
    processed_rows BIGINT NOT NULL DEFAULT 0,
    created_rows BIGINT NOT NULL DEFAULT 0,
    updated_rows BIGINT NOT NULL DEFAULT 0,
    rejected_rows BIGINT NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL,
    started_at TIMESTAMP,
    finished_at TIMESTAMP
);
CREATE INDEX customer_imports_created ON customer_imports(created_at, id);

CREATE TABLE customer_import_rows (
    import_id BIGINT NOT NULL REFERENCES customer_imports(id) ON DELETE CASCADE,
    -- The line of the file (the header is line 1).
    line_no BIGINT NOT NULL,
    -- The cells as they were in the file, a JSON array of strings.
    cells TEXT NOT NULL,
    -- Why the row is refused, a JSON array of {field, key, line}; null while it is fine.
    errors TEXT,
    -- What the preview found: create, update or reject.
    planned TEXT NOT NULL CHECK (planned IN ('create', 'update', 'reject')),
    state TEXT NOT NULL CHECK (state IN ('pending', 'created', 'updated', 'rejected')),
    customer_id BIGINT,
    PRIMARY KEY (import_id, line_no)
);
CREATE INDEX customer_import_rows_state ON customer_import_rows(import_id, state, line_no);

-- Finding a customer by e-mail (import's "update by e-mail", duplicates) without a scan.
CREATE INDEX customers_email ON customers(email);
