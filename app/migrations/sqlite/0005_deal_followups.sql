-- Pipeline uploads from the browser: the file arrives in chunks, is validated as a whole
-- (preview and row errors), then written in committed batches by whichever server claims
-- the job; progress lives here so any server can report it.
CREATE TABLE pipeline_imports (
    id INTEGER PRIMARY KEY,
    created_by INTEGER NOT NULL REFERENCES users (id),
    file_name TEXT NOT NULL,
    state TEXT NOT NULL,
    bytes INTEGER NOT NULL DEFAULT 0,
    total_rows INTEGER NOT NULL DEFAULT 0,
    done_rows INTEGER NOT NULL DEFAULT 0,
    inserted INTEGER NOT NULL DEFAULT 0,
    updated INTEGER NOT NULL DEFAULT 0,
    error TEXT NOT NULL DEFAULT '',
    heartbeat_at INTEGER,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX pipeline_imports_state ON pipeline_imports (state);
CREATE TABLE pipeline_import_chunks (
    import_id INTEGER NOT NULL REFERENCES pipeline_imports (id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    data TEXT NOT NULL,
    bytes INTEGER NOT NULL,
    PRIMARY KEY (import_id, seq)
);

-- In-app notifications: one row per recipient of a timeline event.
CREATE TABLE notifications (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id),
    deal_id INTEGER NOT NULL REFERENCES deals (id),
    event_id INTEGER NOT NULL REFERENCES deal_events (id),
    created_at INTEGER NOT NULL,
    read_at INTEGER
);
CREATE INDEX notifications_user ON notifications (user_id, read_at, id);

-- API rate limits, counted per token and minute in the database so that every server
-- behind a load balancer shares one budget.
CREATE TABLE api_rate_windows (
    token_id INTEGER NOT NULL,
    window_start INTEGER NOT NULL,
    hits INTEGER NOT NULL,
    PRIMARY KEY (token_id, window_start)
);
