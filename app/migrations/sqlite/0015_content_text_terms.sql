-- Words of files' text (not in titles, tags or descriptions), so that a typo is corrected
-- to a word only a document's body holds ("objecton" to "objection"). Kept apart from
-- content_terms, whose document counts plan searches of the metadata index.
CREATE TABLE content_text_terms (
    term TEXT PRIMARY KEY,
    docs INTEGER NOT NULL
);
