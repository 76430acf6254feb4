-- Foundation schema. Times are UTC epoch seconds (INTEGER) so both backends store and
-- compare them the same way; flags are 0/1 integers for the same reason.

CREATE TABLE orgs (
    id INTEGER PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    -- 'vendor' (exactly one) or 'partner'
    kind TEXT NOT NULL,
    -- comma-separated partner type codes, e.g. 'msp,var'
    partner_types TEXT NOT NULL DEFAULT '',
    tier TEXT,
    region TEXT,
    status TEXT NOT NULL DEFAULT 'active',
    channel_manager_id INTEGER,
    website TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX orgs_kind_name ON orgs (kind, name);

CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES orgs (id),
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    -- NULL until an invited user chooses a password
    password_hash TEXT,
    active INTEGER NOT NULL DEFAULT 1,
    locale TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX users_org ON users (org_id);

-- Server-side sessions. Only the SHA-256 of the cookie value is stored.
CREATE TABLE sessions (
    id_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id),
    created_at INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    ip TEXT NOT NULL DEFAULT '',
    user_agent TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions (user_id);

-- Sign-in attempts, for throttling per account+IP and per IP.
CREATE TABLE login_attempts (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL,
    ip TEXT NOT NULL,
    success INTEGER NOT NULL,
    at INTEGER NOT NULL
);
CREATE INDEX login_attempts_email_ip ON login_attempts (email, ip, at);
CREATE INDEX login_attempts_ip ON login_attempts (ip, at);

-- Single-use emailed links: 'invite' and 'reset'. Only the hash is stored.
CREATE TABLE user_tokens (
    id INTEGER PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    user_id INTEGER NOT NULL REFERENCES users (id),
    created_by INTEGER,
    expires_at INTEGER NOT NULL,
    used_at INTEGER,
    created_at INTEGER NOT NULL
);

CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    to_addr TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    -- 'kept' (embedded mode), 'sent' or 'failed'
    status TEXT NOT NULL,
    error TEXT,
    created_at INTEGER NOT NULL
);

CREATE TABLE audit_events (
    id INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    actor_user_id INTEGER,
    actor_email TEXT NOT NULL,
    org_id INTEGER,
    action TEXT NOT NULL,
    entity_type TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    before_json TEXT,
    after_json TEXT
);
CREATE INDEX audit_events_at ON audit_events (at);
