-- A template may ask that partners' edits be approved by the vendor before sending, and
-- may hold a co-branded one-page PDF (a title and plain text with merge fields).
ALTER TABLE campaign_templates ADD COLUMN approval_required BIGINT NOT NULL DEFAULT 0;
ALTER TABLE campaign_templates ADD COLUMN one_pager_title TEXT NOT NULL DEFAULT '';
ALTER TABLE campaign_templates ADD COLUMN one_pager_body TEXT NOT NULL DEFAULT '';
-- A launch waiting for approval ('pending_approval') or sent back ('rejected'): who
-- decided, when, and the note the partner reads.
ALTER TABLE campaign_launches ADD COLUMN review_note TEXT NOT NULL DEFAULT '';
ALTER TABLE campaign_launches ADD COLUMN reviewed_by BIGINT REFERENCES users(id);
ALTER TABLE campaign_launches ADD COLUMN reviewed_at BIGINT;
