-- Notifications are about a subject named by type and id ('deal' today; learning,
-- campaigns and MDF add theirs), not only about deals. A deal's notification still points
-- at its timeline event; other subjects carry what happened (an i18n key), a title, a
-- body and a link of their own.
ALTER TABLE notifications DROP CONSTRAINT IF EXISTS notifications_deal_id_fkey;
ALTER TABLE notifications RENAME COLUMN deal_id TO subject_id;
ALTER TABLE notifications ADD COLUMN subject_type TEXT NOT NULL DEFAULT 'deal';
ALTER TABLE notifications ALTER COLUMN subject_type DROP DEFAULT;
ALTER TABLE notifications ALTER COLUMN event_id DROP NOT NULL;
ALTER TABLE notifications ADD COLUMN kind TEXT NOT NULL DEFAULT '';
ALTER TABLE notifications ADD COLUMN title TEXT NOT NULL DEFAULT '';
ALTER TABLE notifications ADD COLUMN body TEXT NOT NULL DEFAULT '';
ALTER TABLE notifications ADD COLUMN link TEXT NOT NULL DEFAULT '';
CREATE INDEX notifications_subject ON notifications (user_id, subject_type, subject_id);
