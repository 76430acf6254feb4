-- Rules of engagement. Never updated in place: a change inserts a new version, and every
-- decision records the version it used, so a dispute can be settled from the record.
CREATE TABLE roe_versions (
    id INTEGER PRIMARY KEY,
    protection_days INTEGER NOT NULL,
    extension_days INTEGER NOT NULL,
    max_extensions INTEGER NOT NULL,
    first_to_register INTEGER NOT NULL,
    named_accounts_direct_only INTEGER NOT NULL,
    cosell_allowed INTEGER NOT NULL,
    -- minimum deal size in minor units of min_deal_currency; 0 = none
    min_deal_minor INTEGER NOT NULL,
    min_deal_currency TEXT NOT NULL,
    -- approved registrations not won by the end of protection expire
    auto_expire INTEGER NOT NULL,
    created_by INTEGER,
    created_at INTEGER NOT NULL
);
INSERT INTO roe_versions (protection_days, extension_days, max_extensions, first_to_register,
    named_accounts_direct_only, cosell_allowed, min_deal_minor, min_deal_currency, auto_expire, created_at)
VALUES (90, 30, 2, 1, 1, 1, 0, 'USD', 1, 0);

-- Pipeline records can be named accounts: direct-only when the rules say so.
ALTER TABLE pipeline_records ADD COLUMN named_account INTEGER NOT NULL DEFAULT 0;

-- Deal registrations. Values are integer minor units with an ISO currency.
CREATE TABLE deals (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES orgs (id),
    created_by INTEGER NOT NULL REFERENCES users (id),
    -- draft, submitted, under_review, info_requested, approved, rejected, won, lost, expired
    status TEXT NOT NULL,
    company TEXT NOT NULL,
    domain TEXT NOT NULL DEFAULT '',
    street TEXT NOT NULL DEFAULT '',
    city TEXT NOT NULL DEFAULT '',
    region TEXT NOT NULL DEFAULT '',
    postcode TEXT NOT NULL DEFAULT '',
    country TEXT NOT NULL DEFAULT '',
    contact_name TEXT NOT NULL DEFAULT '',
    contact_email TEXT NOT NULL DEFAULT '',
    contact_phone TEXT NOT NULL DEFAULT '',
    products TEXT NOT NULL DEFAULT '',
    value_minor INTEGER NOT NULL DEFAULT 0,
    currency TEXT NOT NULL DEFAULT 'USD',
    expected_close TEXT NOT NULL DEFAULT '',
    stage TEXT NOT NULL DEFAULT 'qualify',
    notes TEXT NOT NULL DEFAULT '',
    cosell INTEGER NOT NULL DEFAULT 0,
    -- the matcher's verdict at submission: clear, review or conflict; score in permille
    verdict TEXT,
    score_permille INTEGER,
    protected_until INTEGER,
    extensions INTEGER NOT NULL DEFAULT 0,
    decision_reason TEXT NOT NULL DEFAULT '',
    roe_version_id INTEGER REFERENCES roe_versions (id),
    submitted_at INTEGER,
    decided_at INTEGER,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX deals_org ON deals (org_id, status);
CREATE INDEX deals_status ON deals (status, submitted_at);

-- The timeline of a deal: status changes and messages. 'vendor' entries are internal notes
-- partners never see.
CREATE TABLE deal_events (
    id INTEGER PRIMARY KEY,
    deal_id INTEGER NOT NULL REFERENCES deals (id),
    at INTEGER NOT NULL,
    actor_user_id INTEGER,
    actor_name TEXT NOT NULL,
    kind TEXT NOT NULL,
    from_status TEXT,
    to_status TEXT,
    body TEXT NOT NULL DEFAULT '',
    visibility TEXT NOT NULL DEFAULT 'all'
);
CREATE INDEX deal_events_deal ON deal_events (deal_id, at);
