-- Tokens of the REST API (/api/v1), created and revoked by the owner. Only a hash of the
-- secret is kept (the secret is shown once); `prefix` is its first characters, to tell
-- tokens apart. Requests act as the staff member who created the token.
-- Invariants: scopes is a comma list of read, write, money; a revoked token never works.
CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    prefix TEXT NOT NULL,
    scopes TEXT NOT NULL,
    staff_id BIGINT NOT NULL REFERENCES staff(id),
    created_at TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP,
    revoked_at TIMESTAMP
);

-- Answers of money requests sent with an Idempotency-Key: the same key and body get the
-- same answer and one effect; the same key with another body is refused.
CREATE TABLE api_idempotency (
    token_id BIGINT NOT NULL REFERENCES api_tokens(id),
    key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    status INTEGER NOT NULL,
    response TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (token_id, key)
);
