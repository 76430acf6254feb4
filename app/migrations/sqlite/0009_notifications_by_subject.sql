-- Notifications are about a subject named by type and id ('deal' today; learning,
-- campaigns and MDF add theirs), not only about deals. A deal's notification still points
-- at its timeline event; other subjects carry what happened (an i18n key), a title, a
-- body and a link of their own. SQLite cannot drop NOT NULL or a foreign key in place, so
-- the table is rebuilt.
CREATE TABLE notifications_by_subject (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id),
    subject_type TEXT NOT NULL,
    subject_id INTEGER NOT NULL,
    event_id INTEGER REFERENCES deal_events (id),
    kind TEXT NOT NULL DEFAULT '',
    title TEXT NOT NULL DEFAULT '',
    body TEXT NOT NULL DEFAULT '',
    link TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    read_at INTEGER
);
INSERT INTO notifications_by_subject (id, user_id, subject_type, subject_id, event_id, created_at, read_at)
    SELECT id, user_id, 'deal', deal_id, event_id, created_at, read_at FROM notifications;
DROP TABLE notifications;
ALTER TABLE notifications_by_subject RENAME TO notifications;
CREATE INDEX notifications_user ON notifications (user_id, read_at, id);
CREATE INDEX notifications_subject ON notifications (user_id, subject_type, subject_id);
