-- The content library. Files live in object storage; the database holds metadata, the
-- extracted text and the search index. List columns (products, stages, partner types,
-- tiers, regions, tags) are stored as ",a,b," so one LIKE works on both backends; an
-- empty list means "everyone".
CREATE TABLE assets (
    id BIGSERIAL PRIMARY KEY,
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    kind TEXT NOT NULL,
    products TEXT NOT NULL DEFAULT '',
    stages TEXT NOT NULL DEFAULT '',
    partner_types TEXT NOT NULL DEFAULT '',
    tiers TEXT NOT NULL DEFAULT '',
    regions TEXT NOT NULL DEFAULT '',
    language TEXT NOT NULL DEFAULT 'en',
    tags TEXT NOT NULL DEFAULT '',
    link_url TEXT NOT NULL DEFAULT '',
    expires_at BIGINT,
    published BIGINT NOT NULL DEFAULT 0,
    current_version_id BIGINT,
    created_by BIGINT NOT NULL REFERENCES users (id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX assets_updated ON assets (updated_at);

CREATE TABLE asset_versions (
    id BIGSERIAL PRIMARY KEY,
    asset_id BIGINT NOT NULL REFERENCES assets (id),
    version_no BIGINT NOT NULL,
    object_key TEXT NOT NULL,
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    text_content TEXT NOT NULL DEFAULT '',
    created_by BIGINT NOT NULL REFERENCES users (id),
    created_at BIGINT NOT NULL,
    UNIQUE (asset_id, version_no)
);

-- Views and downloads, for analytics.
CREATE TABLE asset_events (
    id BIGSERIAL PRIMARY KEY,
    asset_id BIGINT NOT NULL REFERENCES assets (id),
    user_id BIGINT NOT NULL,
    org_id BIGINT NOT NULL,
    kind TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX asset_events_asset ON asset_events (asset_id, kind);
CREATE INDEX asset_events_org ON asset_events (org_id, kind);

CREATE TABLE asset_favorites (
    user_id BIGINT NOT NULL,
    asset_id BIGINT NOT NULL REFERENCES assets (id),
    created_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, asset_id)
);

-- Searches, so marketers see what people looked for and did not find.
CREATE TABLE content_searches (
    id BIGSERIAL PRIMARY KEY,
    at BIGINT NOT NULL,
    user_id BIGINT NOT NULL,
    q TEXT NOT NULL,
    results BIGINT NOT NULL
);
CREATE INDEX content_searches_results ON content_searches (results, q);

-- Words of titles, tags and descriptions, for correcting typos in queries.
CREATE TABLE content_terms (
    term TEXT PRIMARY KEY,
    docs BIGINT NOT NULL
);

-- Full-text search: a weighted tsvector over titles, tags and descriptions (ranked), and
-- one over the whole text (matched, newest first), each with a GIN index. Text is stored
-- already normalised.
CREATE TABLE asset_search (
    asset_id BIGINT PRIMARY KEY REFERENCES assets (id),
    title TEXT NOT NULL,
    tags TEXT NOT NULL,
    description TEXT NOT NULL,
    body TEXT NOT NULL,
    meta_tsv tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple', title), 'A') ||
        setweight(to_tsvector('simple', tags), 'B') ||
        setweight(to_tsvector('simple', description), 'C')
    ) STORED,
    all_tsv tsvector GENERATED ALWAYS AS (
        to_tsvector('simple', title || ' ' || tags || ' ' || description || ' ' || left(body, 200000))
    ) STORED
);
CREATE INDEX asset_search_meta ON asset_search USING GIN (meta_tsv);
CREATE INDEX asset_search_all ON asset_search USING GIN (all_tsv);
