-- The vendor's match model (Fellegi–Sunter parameters as JSON), trained from its own data
-- by `trellis match train`. One row: an installation serves one vendor.
CREATE TABLE match_models (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    params TEXT NOT NULL,
    trained_at INTEGER NOT NULL
);
