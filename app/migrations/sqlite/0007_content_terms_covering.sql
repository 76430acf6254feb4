-- Query planning and typo correction read ranges of the vocabulary with each word's
-- document count: with the count in the index the ranges are read from the index alone.
CREATE INDEX content_terms_term_docs ON content_terms (term, docs);
