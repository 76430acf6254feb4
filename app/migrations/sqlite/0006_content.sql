-- The content library. Files live in object storage; the database holds metadata, the
-- extracted text and the search index. List columns (products, stages, partner types,
-- tiers, regions, tags) are stored as ",a,b," so one LIKE works on both backends; an
-- empty list means "everyone".
CREATE TABLE assets (
    id INTEGER PRIMARY KEY,
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
    expires_at INTEGER,
    published INTEGER NOT NULL DEFAULT 0,
    current_version_id INTEGER,
    created_by INTEGER NOT NULL REFERENCES users (id),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX assets_updated ON assets (updated_at);

CREATE TABLE asset_versions (
    id INTEGER PRIMARY KEY,
    asset_id INTEGER NOT NULL REFERENCES assets (id),
    version_no INTEGER NOT NULL,
    object_key TEXT NOT NULL,
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    text_content TEXT NOT NULL DEFAULT '',
    created_by INTEGER NOT NULL REFERENCES users (id),
    created_at INTEGER NOT NULL,
    UNIQUE (asset_id, version_no)
);

-- Views and downloads, for analytics.
CREATE TABLE asset_events (
    id INTEGER PRIMARY KEY,
    asset_id INTEGER NOT NULL REFERENCES assets (id),
    user_id INTEGER NOT NULL,
    org_id INTEGER NOT NULL,
    kind TEXT NOT NULL,
    at INTEGER NOT NULL
);
CREATE INDEX asset_events_asset ON asset_events (asset_id, kind);
CREATE INDEX asset_events_org ON asset_events (org_id, kind);

CREATE TABLE asset_favorites (
    user_id INTEGER NOT NULL,
    asset_id INTEGER NOT NULL REFERENCES assets (id),
    created_at INTEGER NOT NULL,
    PRIMARY KEY (user_id, asset_id)
);

-- Collections: a user's named lists of assets ("Acme renewal kit"). What a collection
-- shows is still filtered by the viewer's visibility at each request.
CREATE TABLE asset_collections (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id),
    name TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (user_id, name)
);

CREATE TABLE asset_collection_items (
    collection_id INTEGER NOT NULL REFERENCES asset_collections (id),
    asset_id INTEGER NOT NULL REFERENCES assets (id),
    added_at INTEGER NOT NULL,
    PRIMARY KEY (collection_id, asset_id)
);

-- Searches, so marketers see what people looked for and did not find.
CREATE TABLE content_searches (
    id INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    user_id INTEGER NOT NULL,
    q TEXT NOT NULL,
    results INTEGER NOT NULL
);
CREATE INDEX content_searches_results ON content_searches (results, q);

-- Words of titles, tags and descriptions, for correcting typos in queries.
CREATE TABLE content_terms (
    term TEXT PRIMARY KEY,
    docs INTEGER NOT NULL
);

-- Full-text indexes (FTS5), rowid = asset id, text stored already normalised. Searches
-- rank what matches in titles, tags and descriptions (a small index, so bm25 stays cheap
-- even for common words), then add documents whose whole text matches, newest first (no
-- ranking over the large index, so the scan stops early).
CREATE VIRTUAL TABLE asset_meta_fts USING fts5 (
    title, tags, description,
    tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3 4'
);
CREATE VIRTUAL TABLE asset_text_fts USING fts5 (
    text,
    tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3 4', detail = none
);
