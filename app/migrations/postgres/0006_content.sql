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

-- Collections: a user's named lists of assets ("Acme renewal kit"). What a collection
-- shows is still filtered by the viewer's visibility at each request.
CREATE TABLE asset_collections (
    id BIGSERIAL PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id),
    name TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (user_id, name)
);

CREATE TABLE asset_collection_items (
    collection_id BIGINT NOT NULL REFERENCES asset_collections (id),
    asset_id BIGINT NOT NULL REFERENCES assets (id),
    added_at BIGINT NOT NULL,
    PRIMARY KEY (collection_id, asset_id)
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

-- Full-text search, in two narrow tables so an index hit reads a small row: a weighted
-- tsvector over titles (A), tags (B) and descriptions (C), which is ranked, and one over the
-- whole text with positions stripped (it is only matched, newest first), each with a GIN
-- index. Both are computed from text already normalised by the application.
CREATE TABLE asset_meta_search (
    asset_id BIGINT PRIMARY KEY REFERENCES assets (id),
    meta_tsv tsvector NOT NULL
);
CREATE INDEX asset_meta_search_tsv ON asset_meta_search USING GIN (meta_tsv);

CREATE TABLE asset_text_search (
    asset_id BIGINT PRIMARY KEY REFERENCES assets (id),
    text_tsv tsvector NOT NULL
);
CREATE INDEX asset_text_search_tsv ON asset_text_search USING GIN (text_tsv);
