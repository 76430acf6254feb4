-- Rules of engagement. Never updated in place: a change inserts a new version, and every
-- decision records the version it used, so a dispute can be settled from the record.
CREATE TABLE roe_versions (
    id BIGSERIAL PRIMARY KEY,
    protection_days BIGINT NOT NULL,
    extension_days BIGINT NOT NULL,
    max_extensions BIGINT NOT NULL,
    first_to_register BIGINT NOT NULL,
    named_accounts_direct_only BIGINT NOT NULL,
    cosell_allowed BIGINT NOT NULL,
    -- minimum deal size in minor units of min_deal_currency; 0 = none
    min_deal_minor BIGINT NOT NULL,
    min_deal_currency TEXT NOT NULL,
    -- approved registrations not won by the end of protection expire
    auto_expire BIGINT NOT NULL,
    created_by BIGINT,
    created_at BIGINT NOT NULL
);
INSERT INTO roe_versions (protection_days, extension_days, max_extensions, first_to_register,
    named_accounts_direct_only, cosell_allowed, min_deal_minor, min_deal_currency, auto_expire, created_at)
VALUES (90, 30, 2, 1, 1, 1, 0, 'USD', 1, 0);

-- Pipeline records can be named accounts: direct-only when the rules say so.
ALTER TABLE pipeline_records ADD COLUMN named_account BIGINT NOT NULL DEFAULT 0;

-- Deal registrations. Values are integer minor units with an ISO currency.
CREATE TABLE deals (
    id BIGSERIAL PRIMARY KEY,
    org_id BIGINT NOT NULL REFERENCES orgs (id),
    created_by BIGINT NOT NULL REFERENCES users (id),
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
    value_minor BIGINT NOT NULL DEFAULT 0,
    currency TEXT NOT NULL DEFAULT 'USD',
    expected_close TEXT NOT NULL DEFAULT '',
    stage TEXT NOT NULL DEFAULT 'qualify',
    notes TEXT NOT NULL DEFAULT '',
    cosell BIGINT NOT NULL DEFAULT 0,
    -- the matcher's verdict at submission: clear, review or conflict; score in permille
    verdict TEXT,
    score_permille BIGINT,
    protected_until BIGINT,
    extensions BIGINT NOT NULL DEFAULT 0,
    decision_reason TEXT NOT NULL DEFAULT '',
    roe_version_id BIGINT REFERENCES roe_versions (id),
    submitted_at BIGINT,
    decided_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX deals_org ON deals (org_id, status);
CREATE INDEX deals_status ON deals (status, submitted_at);

-- The timeline of a deal: status changes and messages. 'vendor' entries are internal notes
-- partners never see.
CREATE TABLE deal_events (
    id BIGSERIAL PRIMARY KEY,
    deal_id BIGINT NOT NULL REFERENCES deals (id),
    at BIGINT NOT NULL,
    actor_user_id BIGINT,
    actor_name TEXT NOT NULL,
    kind TEXT NOT NULL,
    from_status TEXT,
    to_status TEXT,
    body TEXT NOT NULL DEFAULT '',
    visibility TEXT NOT NULL DEFAULT 'all'
);
CREATE INDEX deal_events_deal ON deal_events (deal_id, at);
