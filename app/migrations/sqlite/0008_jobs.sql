-- The durable job queue shared by every server: email, the expiry sweep and whatever a
-- feature queues. A worker claims a due job with a guarded update, keeps a heartbeat while
-- it runs, and another server takes the job over when the heartbeat stops. Failures are
-- retried with backoff until max_attempts, then the job is dead with its last error.
CREATE TABLE jobs (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    -- 'queued' (also between retries), 'running', 'done' or 'dead'
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL,
    run_at INTEGER NOT NULL,
    locked_by TEXT,
    heartbeat_at INTEGER,
    last_error TEXT,
    progress_done INTEGER NOT NULL DEFAULT 0,
    progress_total INTEGER NOT NULL DEFAULT 0,
    -- At most one job per key: periodic work queued by every server runs once.
    dedupe_key TEXT UNIQUE,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    finished_at INTEGER
);
CREATE INDEX jobs_due ON jobs (state, run_at);
