-- The vendor's direct pipeline and named accounts, which deal registrations are checked
-- against. Re-importing an external_id updates the record.
CREATE TABLE pipeline_records (
    id BIGSERIAL PRIMARY KEY,
    external_id TEXT NOT NULL UNIQUE,
    company TEXT NOT NULL,
    domain TEXT NOT NULL DEFAULT '',
    street TEXT NOT NULL DEFAULT '',
    city TEXT NOT NULL DEFAULT '',
    region TEXT NOT NULL DEFAULT '',
    postcode TEXT NOT NULL DEFAULT '',
    country TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    contact_email TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- The matching index: every record is filed under its blocking keys (normalised domains,
-- phone digits, postcode+number, name-word prefix pairs, initials). A check reads the rows
-- of its own keys only, so it stays fast at millions of records, and the index is kept in
-- the same transaction as the record, so it is never stale and needs no rebuild on start.
CREATE TABLE match_keys (
    key TEXT NOT NULL,
    -- 'pipeline' (and, later, 'registration')
    kind TEXT NOT NULL,
    record_id BIGINT NOT NULL,
    PRIMARY KEY (key, kind, record_id)
);
CREATE INDEX match_keys_record ON match_keys (kind, record_id);
