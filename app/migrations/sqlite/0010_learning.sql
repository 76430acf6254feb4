-- Learning and certifications: courses with lessons and a quiz, attempts graded on the
-- server, certifications that a passed exam earns, and the Open Badges 3.0 credentials
-- issued for them, signed with the deployment's issuer keys.
CREATE TABLE courses (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    summary TEXT NOT NULL DEFAULT '',
    -- 'draft', 'published' or 'archived'
    status TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    draw_count INTEGER NOT NULL,
    pass_percent INTEGER NOT NULL,
    max_attempts INTEGER NOT NULL,
    cooldown_minutes INTEGER NOT NULL,
    -- 0: no time limit
    time_limit_minutes INTEGER NOT NULL,
    created_by INTEGER REFERENCES users(id),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE TABLE lessons (
    id INTEGER PRIMARY KEY,
    course_id INTEGER NOT NULL REFERENCES courses(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    title TEXT NOT NULL,
    -- Markdown, rendered without raw HTML
    body TEXT NOT NULL DEFAULT '',
    video_url TEXT
);
CREATE INDEX lessons_course ON lessons (course_id, position);
CREATE TABLE questions (
    id INTEGER PRIMARY KEY,
    course_id INTEGER NOT NULL REFERENCES courses(id) ON DELETE CASCADE,
    -- 'single', 'multiple' or 'true_false'
    kind TEXT NOT NULL,
    prompt TEXT NOT NULL,
    topic TEXT NOT NULL DEFAULT '',
    -- JSON array of option texts
    options TEXT NOT NULL,
    -- JSON array of the correct options' indexes; never sent before an attempt is submitted
    answer TEXT NOT NULL
);
CREATE INDEX questions_course ON questions (course_id);
CREATE TABLE lesson_completions (
    user_id INTEGER NOT NULL REFERENCES users(id),
    lesson_id INTEGER NOT NULL REFERENCES lessons(id) ON DELETE CASCADE,
    completed_at INTEGER NOT NULL,
    PRIMARY KEY (user_id, lesson_id)
);
CREATE TABLE quiz_attempts (
    id INTEGER PRIMARY KEY,
    course_id INTEGER NOT NULL REFERENCES courses(id),
    user_id INTEGER NOT NULL REFERENCES users(id),
    org_id INTEGER NOT NULL REFERENCES orgs(id),
    -- JSON array of the drawn question ids, in the order shown
    question_ids TEXT NOT NULL,
    started_at INTEGER NOT NULL,
    -- NULL: no time limit
    deadline_at INTEGER,
    submitted_at INTEGER,
    score_percent INTEGER,
    passed INTEGER,
    -- the graded result (JSON), shown again on the course page
    result TEXT
);
CREATE INDEX quiz_attempts_user ON quiz_attempts (user_id, course_id);
CREATE TABLE certifications (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    description TEXT NOT NULL,
    criteria TEXT NOT NULL,
    -- the course whose quiz is the final exam
    course_id INTEGER NOT NULL REFERENCES courses(id),
    validity_days INTEGER NOT NULL,
    -- people each partner tier needs certified, e.g. 'gold=2,platinum=3'
    tier_requirements TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL
);
CREATE TABLE issuer_keys (
    id INTEGER PRIMARY KEY,
    public_key TEXT NOT NULL,
    -- base64 Ed25519 seed; never leaves the server
    secret_key TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    -- set when a newer key took over signing; the key stays in the DID document
    retired_at INTEGER
);
CREATE TABLE credentials (
    id TEXT PRIMARY KEY,
    certification_id INTEGER NOT NULL REFERENCES certifications(id),
    user_id INTEGER NOT NULL REFERENCES users(id),
    org_id INTEGER NOT NULL REFERENCES orgs(id),
    holder_name TEXT NOT NULL,
    holder_email TEXT NOT NULL,
    status_index INTEGER NOT NULL UNIQUE,
    key_id INTEGER NOT NULL REFERENCES issuer_keys(id),
    issued_at INTEGER NOT NULL,
    valid_until INTEGER NOT NULL,
    -- the signed credential, served byte for byte
    document TEXT NOT NULL,
    revoked_at INTEGER,
    revoked_reason TEXT,
    -- when the holder was reminded that it expires soon
    reminded_at INTEGER
);
CREATE INDEX credentials_org ON credentials (org_id);
CREATE INDEX credentials_user ON credentials (user_id, certification_id);
-- xAPI statements of learning, kept for export and sent to an LRS when one is configured.
CREATE TABLE xapi_statements (
    id TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id),
    org_id INTEGER NOT NULL REFERENCES orgs(id),
    verb TEXT NOT NULL,
    statement TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    sent_at INTEGER
);
CREATE INDEX xapi_statements_created ON xapi_statements (created_at);
-- Learning paths: courses assigned by rule (comma-separated codes; empty = everyone).
CREATE TABLE learning_paths (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    -- JSON array of course ids
    courses TEXT NOT NULL,
    partner_types TEXT NOT NULL DEFAULT '',
    tiers TEXT NOT NULL DEFAULT '',
    regions TEXT NOT NULL DEFAULT '',
    roles TEXT NOT NULL DEFAULT '',
    due_days INTEGER NOT NULL,
    created_at INTEGER NOT NULL
);
