-- Query planning and typo correction read ranges of the vocabulary with each word's
-- document count. Every indexed asset bumps those counts, so the live rows end up spread
-- over many heap pages; with the count in the index the ranges are read from the index
-- alone once vacuum has marked the pages visible.
CREATE INDEX content_terms_term_docs ON content_terms (term) INCLUDE (docs);
