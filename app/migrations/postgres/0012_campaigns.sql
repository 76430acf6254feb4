-- Through-channel marketing: campaign templates that vendor marketers write once and
-- partners launch under their own brand to their own contacts. List columns (partner
-- types, tiers, regions, tags) are stored as ",a,b," like the content library's; empty
-- means everyone.
CREATE TABLE campaign_templates (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    -- 'en' or 'de'
    language TEXT NOT NULL,
    -- 'draft', 'published' or 'archived'
    status TEXT NOT NULL,
    partner_types TEXT NOT NULL DEFAULT '',
    tiers TEXT NOT NULL DEFAULT '',
    regions TEXT NOT NULL DEFAULT '',
    -- JSON array of editable regions: {name, label, default, max_len}
    regions_spec TEXT NOT NULL DEFAULT '[]',
    landing_title TEXT NOT NULL DEFAULT '',
    -- MJML-free landing text (Markdown), with merge fields
    landing_body TEXT NOT NULL DEFAULT '',
    -- JSON array of social posts: {text, image_url, link}
    social_posts TEXT NOT NULL DEFAULT '[]',
    created_by BIGINT REFERENCES users(id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
-- The email sequence: touch N is sent delay_days after touch N-1.
CREATE TABLE campaign_touches (
    id BIGSERIAL PRIMARY KEY,
    template_id BIGINT NOT NULL REFERENCES campaign_templates(id) ON DELETE CASCADE,
    position BIGINT NOT NULL,
    delay_days BIGINT NOT NULL,
    subject TEXT NOT NULL,
    -- MJML with merge fields ({{partner.name}}) and editable regions ({{region:body}})
    mjml TEXT NOT NULL
);
CREATE INDEX campaign_touches_template ON campaign_touches (template_id, position);
-- A partner's brand, set once and merged into every campaign it launches.
CREATE TABLE brand_kits (
    org_id BIGINT PRIMARY KEY REFERENCES orgs(id),
    display_name TEXT NOT NULL DEFAULT '',
    logo_url TEXT NOT NULL DEFAULT '',
    primary_color TEXT NOT NULL DEFAULT '',
    postal_address TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    website TEXT NOT NULL DEFAULT '',
    sender_name TEXT NOT NULL DEFAULT '',
    sender_email TEXT NOT NULL DEFAULT '',
    signature TEXT NOT NULL DEFAULT '',
    updated_at BIGINT NOT NULL
);
-- A partner's own contacts: private to the partner; the vendor sees counts only.
CREATE TABLE contacts (
    id BIGSERIAL PRIMARY KEY,
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    email TEXT NOT NULL,
    first_name TEXT NOT NULL DEFAULT '',
    last_name TEXT NOT NULL DEFAULT '',
    company TEXT NOT NULL DEFAULT '',
    consent BIGINT NOT NULL,
    -- where the consent came from: 'form', 'import', 'api', 'manual'
    consent_source TEXT NOT NULL DEFAULT '',
    tags TEXT NOT NULL DEFAULT '',
    unsubscribed_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (org_id, email)
);
-- Addresses that get no campaign mail: a partner's (org_id set) or everyone's (NULL).
CREATE TABLE suppressions (
    id BIGSERIAL PRIMARY KEY,
    org_id BIGINT REFERENCES orgs(id),
    email TEXT NOT NULL,
    reason TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX suppressions_email ON suppressions (email);
CREATE TABLE campaign_launches (
    id BIGSERIAL PRIMARY KEY,
    template_id BIGINT NOT NULL REFERENCES campaign_templates(id),
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    created_by BIGINT NOT NULL REFERENCES users(id),
    -- JSON object of the partner's texts for the editable regions
    region_values TEXT NOT NULL DEFAULT '{}',
    -- 'scheduled', 'sending', 'done'
    status TEXT NOT NULL,
    starts_at BIGINT NOT NULL,
    recipients BIGINT NOT NULL DEFAULT 0,
    skipped_no_consent BIGINT NOT NULL DEFAULT 0,
    skipped_suppressed BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL
);
CREATE INDEX campaign_launches_org ON campaign_launches (org_id);
-- One row per recipient and touch: the unit of exactly-once sending.
CREATE TABLE campaign_sends (
    id BIGSERIAL PRIMARY KEY,
    launch_id BIGINT NOT NULL REFERENCES campaign_launches(id),
    contact_id BIGINT NOT NULL REFERENCES contacts(id),
    position BIGINT NOT NULL,
    due_at BIGINT NOT NULL,
    -- 'queued', 'sent', 'skipped', 'failed'
    status TEXT NOT NULL,
    outbox_id BIGINT,
    error TEXT,
    sent_at BIGINT,
    UNIQUE (launch_id, contact_id, position)
);
CREATE INDEX campaign_sends_due ON campaign_sends (status, due_at);
-- What recipients did: 'click', 'open', 'visit', 'submission', 'unsubscribe'.
CREATE TABLE campaign_events (
    id BIGSERIAL PRIMARY KEY,
    launch_id BIGINT NOT NULL REFERENCES campaign_launches(id),
    send_id BIGINT,
    kind TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX campaign_events_launch ON campaign_events (launch_id, kind);
-- Partner-sourced leads from landing pages; the deal they became, for attribution.
CREATE TABLE leads (
    id BIGSERIAL PRIMARY KEY,
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    launch_id BIGINT NOT NULL REFERENCES campaign_launches(id),
    template_id BIGINT NOT NULL REFERENCES campaign_templates(id),
    email TEXT NOT NULL,
    name TEXT NOT NULL,
    company TEXT NOT NULL DEFAULT '',
    message TEXT NOT NULL DEFAULT '',
    deal_id BIGINT REFERENCES deals(id),
    created_at BIGINT NOT NULL
);
CREATE INDEX leads_org ON leads (org_id, created_at);
-- Landing-form posts per client address, for the per-IP limit.
CREATE TABLE landing_posts (
    ip TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX landing_posts_ip ON landing_posts (ip, at);
-- Secrets the servers share (HMAC keys for links), made once on first use.
CREATE TABLE app_secrets (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
-- Campaign mail: an HTML part, the partner's name as sender, its reply address and the
-- one-click unsubscribe address.
ALTER TABLE outbox ADD COLUMN html TEXT;
ALTER TABLE outbox ADD COLUMN from_name TEXT;
ALTER TABLE outbox ADD COLUMN reply_to TEXT;
ALTER TABLE outbox ADD COLUMN list_unsubscribe TEXT;
