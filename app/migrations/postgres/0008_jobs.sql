-- The durable job queue shared by every server: email, the expiry sweep and whatever a
-- feature queues. A worker claims a due job with a guarded update, keeps a heartbeat while
-- it runs, and another server takes the job over when the heartbeat stops. Failures are
-- retried with backoff until max_attempts, then the job is dead with its last error.
CREATE TABLE jobs (
    id BIGSERIAL PRIMARY KEY,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    -- 'queued' (also between retries), 'running', 'done' or 'dead'
    state TEXT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    max_attempts BIGINT NOT NULL,
    run_at BIGINT NOT NULL,
    locked_by TEXT,
    heartbeat_at BIGINT,
    last_error TEXT,
    progress_done BIGINT NOT NULL DEFAULT 0,
    progress_total BIGINT NOT NULL DEFAULT 0,
    -- At most one job per key: periodic work queued by every server runs once.
    dedupe_key TEXT UNIQUE,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    finished_at BIGINT
);
CREATE INDEX jobs_due ON jobs (state, run_at);
