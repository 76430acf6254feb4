-- Courses change without erasing anyone's progress: each edit is a new version whose
-- snapshot is kept; lessons and questions that an edit removes are retired, not deleted,
-- so completions and past attempts keep what they point to.
ALTER TABLE lessons ADD COLUMN module TEXT NOT NULL DEFAULT '';
-- an asset of the content library shown in the lesson (its visibility rules apply)
ALTER TABLE lessons ADD COLUMN asset_id INTEGER REFERENCES assets(id);
ALTER TABLE lessons ADD COLUMN retired_at INTEGER;
ALTER TABLE questions ADD COLUMN retired_at INTEGER;
-- JSON array, per drawn question, of the option indexes in the order shown
ALTER TABLE quiz_attempts ADD COLUMN option_orders TEXT NOT NULL DEFAULT '[]';
CREATE TABLE course_versions (
    course_id INTEGER NOT NULL REFERENCES courses(id) ON DELETE CASCADE,
    version INTEGER NOT NULL,
    -- the course as written (JSON of CourseInput)
    snapshot TEXT NOT NULL,
    created_by INTEGER REFERENCES users(id),
    created_at INTEGER NOT NULL,
    PRIMARY KEY (course_id, version)
);
-- Courses written before versions were kept start their history at their current version.
INSERT INTO course_versions (course_id, version, snapshot, created_by, created_at)
SELECT id, version, '{}', created_by, updated_at FROM courses;
