-- Pipeline uploads from the browser: the file arrives in chunks, is validated as a whole
-- (preview and row errors), then written in committed batches by whichever server claims
-- the job; progress lives here so any server can report it.
CREATE TABLE pipeline_imports (
    id BIGSERIAL PRIMARY KEY,
    created_by BIGINT NOT NULL REFERENCES users (id),
    file_name TEXT NOT NULL,
    state TEXT NOT NULL,
    bytes BIGINT NOT NULL DEFAULT 0,
    total_rows BIGINT NOT NULL DEFAULT 0,
    done_rows BIGINT NOT NULL DEFAULT 0,
    inserted BIGINT NOT NULL DEFAULT 0,
    updated BIGINT NOT NULL DEFAULT 0,
    error TEXT NOT NULL DEFAULT '',
    heartbeat_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX pipeline_imports_state ON pipeline_imports (state);
CREATE TABLE pipeline_import_chunks (
    import_id BIGINT NOT NULL REFERENCES pipeline_imports (id) ON DELETE CASCADE,
    seq BIGINT NOT NULL,
    data TEXT NOT NULL,
    bytes BIGINT NOT NULL,
    PRIMARY KEY (import_id, seq)
);

-- In-app notifications: one row per recipient of a timeline event.
CREATE TABLE notifications (
    id BIGSERIAL PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id),
    deal_id BIGINT NOT NULL REFERENCES deals (id),
    event_id BIGINT NOT NULL REFERENCES deal_events (id),
    created_at BIGINT NOT NULL,
    read_at BIGINT
);
CREATE INDEX notifications_user ON notifications (user_id, read_at, id);

-- API rate limits, counted per token and minute in the database so that every server
-- behind a load balancer shares one budget.
CREATE TABLE api_rate_windows (
    token_id BIGINT NOT NULL,
    window_start BIGINT NOT NULL,
    hits BIGINT NOT NULL,
    PRIMARY KEY (token_id, window_start)
);
