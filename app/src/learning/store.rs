//! SQL of courses, lessons, the question bank and quiz attempts. Course content is the
//! vendor's and not partner data; progress and attempts are always bound to one user.

use super::quiz::{BankQuestion, ValidCourse, ValidLesson};
use super::{AttemptResult, CourseInput, CourseStatus, QuestionKind};
use crate::error::AppError;
use crate::server::db::Db;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CourseRow {
    pub id: i64,
    pub title: String,
    pub summary: String,
    #[sqlx(try_from = "String")]
    pub status: CourseStatus,
    pub draw_count: i64,
    pub pass_percent: i64,
    pub max_attempts: i64,
    pub cooldown_minutes: i64,
    pub time_limit_minutes: i64,
    pub version: i64,
}

const COURSE_COLS: &str = "id, title, summary, status, draw_count, pass_percent, max_attempts, \
                           cooldown_minutes, time_limit_minutes, version";

pub async fn course(db: &Db, id: i64) -> Result<Option<CourseRow>, AppError> {
    Ok(
        sqlx::query_as(&format!("SELECT {COURSE_COLS} FROM courses WHERE id = $1"))
            .bind(id)
            .fetch_optional(&db.pool)
            .await?,
    )
}

/// Inserts a course with its lessons, bank and (optional) certification, in one
/// transaction. Returns the course id.
pub async fn insert_course(
    db: &Db,
    c: &ValidCourse,
    snapshot: &CourseInput,
    status: CourseStatus,
    user_id: i64,
    now: i64,
) -> Result<i64, AppError> {
    let mut tx = db.pool.begin().await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO courses (title, summary, status, version, draw_count, pass_percent, \
         max_attempts, cooldown_minutes, time_limit_minutes, created_by, created_at, updated_at) \
         VALUES ($1, $2, $3, 1, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING id",
    )
    .bind(&c.title)
    .bind(&c.summary)
    .bind(status.code())
    .bind(c.draw_count)
    .bind(c.pass_percent)
    .bind(c.max_attempts)
    .bind(c.cooldown_minutes)
    .bind(c.time_limit_minutes)
    .bind(user_id)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    for (pos, l) in c.lessons.iter().enumerate() {
        insert_lesson(&mut tx, id, pos, l).await?;
    }
    insert_bank(&mut tx, id, &c.bank).await?;
    insert_certification(&mut tx, id, c, now).await?;
    insert_version(&mut tx, id, 1, snapshot, user_id, now).await?;
    tx.commit().await?;
    Ok(id)
}

type Tx<'a> = sqlx::Transaction<'a, sqlx::Any>;

async fn insert_lesson(
    tx: &mut Tx<'_>,
    course_id: i64,
    pos: usize,
    l: &ValidLesson,
) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO lessons (course_id, position, module, title, body, video_url, asset_id) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(course_id)
    .bind(pos as i64)
    .bind(&l.module)
    .bind(&l.title)
    .bind(&l.body)
    .bind(l.video_url.as_deref())
    .bind(l.asset_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

async fn insert_bank(
    tx: &mut Tx<'_>,
    course_id: i64,
    bank: &[BankQuestion],
) -> Result<(), AppError> {
    for q in bank {
        sqlx::query(
            "INSERT INTO questions (course_id, kind, prompt, topic, options, answer) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(course_id)
        .bind(q.kind.code())
        .bind(&q.prompt)
        .bind(&q.topic)
        .bind(serde_json::to_string(&q.options).unwrap_or_default())
        .bind(serde_json::to_string(&q.answer).unwrap_or_default())
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

async fn insert_version(
    tx: &mut Tx<'_>,
    course_id: i64,
    version: i64,
    snapshot: &CourseInput,
    user_id: i64,
    now: i64,
) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO course_versions (course_id, version, snapshot, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(course_id)
    .bind(version)
    .bind(serde_json::to_string(snapshot).unwrap_or_default())
    .bind(user_id)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

fn certification_conflict(e: sqlx::Error) -> AppError {
    match e {
        sqlx::Error::Database(d) if d.is_unique_violation() => {
            AppError::field("certification_name", "err.certification_exists")
        }
        e => e.into(),
    }
}

#[derive(Debug, Clone, sqlx::FromRow)]
struct ActiveLesson {
    id: i64,
    title: String,
}

/// Which existing lesson each new lesson continues: the one of the same title, else the
/// one at the same position when that one is not taken. A continued lesson keeps its id,
/// and so everyone's completion of it.
fn continue_lessons(existing: &[(i64, String)], new: &[ValidLesson]) -> Vec<Option<i64>> {
    let mut taken = vec![false; existing.len()];
    let mut out: Vec<Option<i64>> = new
        .iter()
        .map(|l| {
            let at = existing
                .iter()
                .enumerate()
                .position(|(i, (_, t))| !taken[i] && *t == l.title)?;
            taken[at] = true;
            Some(existing[at].0)
        })
        .collect();
    for (i, slot) in out.iter_mut().enumerate() {
        if slot.is_none() && i < existing.len() && !taken[i] {
            taken[i] = true;
            *slot = Some(existing[i].0);
        }
    }
    out
}

/// Saves an edit as the course's next version, in one transaction: lessons continued
/// (see `continue_lessons`) are updated in place, new ones added and dropped ones
/// retired; a changed bank retires the old questions (attempts keep pointing at them).
/// Completions, attempts and credentials are never touched. Returns the new version, or
/// `None` when the course does not exist.
pub async fn update_course(
    db: &Db,
    id: i64,
    c: &ValidCourse,
    snapshot: &CourseInput,
    user_id: i64,
    now: i64,
) -> Result<Option<i64>, AppError> {
    let mut tx = db.pool.begin().await?;
    let Some(version): Option<i64> = sqlx::query_scalar(
        "UPDATE courses SET title = $1, summary = $2, draw_count = $3, pass_percent = $4, \
         max_attempts = $5, cooldown_minutes = $6, time_limit_minutes = $7, updated_at = $8, \
         version = version + 1 WHERE id = $9 RETURNING version",
    )
    .bind(&c.title)
    .bind(&c.summary)
    .bind(c.draw_count)
    .bind(c.pass_percent)
    .bind(c.max_attempts)
    .bind(c.cooldown_minutes)
    .bind(c.time_limit_minutes)
    .bind(now)
    .bind(id)
    .fetch_optional(&mut *tx)
    .await?
    else {
        return Ok(None);
    };
    let existing: Vec<ActiveLesson> = sqlx::query_as(
        "SELECT id, title FROM lessons WHERE course_id = $1 AND retired_at IS NULL ORDER BY position, id",
    )
    .bind(id)
    .fetch_all(&mut *tx)
    .await?;
    let pairs: Vec<(i64, String)> = existing.into_iter().map(|l| (l.id, l.title)).collect();
    let kept = continue_lessons(&pairs, &c.lessons);
    for (pos, (l, keep)) in c.lessons.iter().zip(&kept).enumerate() {
        match keep {
            Some(lesson_id) => {
                sqlx::query(
                    "UPDATE lessons SET position = $1, module = $2, title = $3, body = $4, \
                     video_url = $5, asset_id = $6 WHERE id = $7",
                )
                .bind(pos as i64)
                .bind(&l.module)
                .bind(&l.title)
                .bind(&l.body)
                .bind(l.video_url.as_deref())
                .bind(l.asset_id)
                .bind(lesson_id)
                .execute(&mut *tx)
                .await?;
            }
            None => insert_lesson(&mut tx, id, pos, l).await?,
        }
    }
    for (lesson_id, _) in pairs.iter().filter(|(l, _)| !kept.contains(&Some(*l))) {
        sqlx::query("UPDATE lessons SET retired_at = $1 WHERE id = $2")
            .bind(now)
            .bind(lesson_id)
            .execute(&mut *tx)
            .await?;
    }
    let bank: Vec<BankQuestion> = read_questions(&mut tx, id)
        .await?
        .into_iter()
        .map(|(_, q)| q)
        .collect();
    if bank != c.bank {
        sqlx::query(
            "UPDATE questions SET retired_at = $1 WHERE course_id = $2 AND retired_at IS NULL",
        )
        .bind(now)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        insert_bank(&mut tx, id, &c.bank).await?;
    }
    let has_cert: Option<i64> =
        sqlx::query_scalar("SELECT id FROM certifications WHERE course_id = $1")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
    match (&c.certification, has_cert) {
        (Some((name, days)), Some(cert)) => {
            sqlx::query(
                "UPDATE certifications SET name = $1, description = $2, criteria = $3, \
                 validity_days = $4, tier_requirements = $5 WHERE id = $6",
            )
            .bind(name)
            .bind(description(c))
            .bind(criteria(c))
            .bind(days)
            .bind(&c.tier_requirements)
            .bind(cert)
            .execute(&mut *tx)
            .await
            .map_err(certification_conflict)?;
        }
        (Some(_), None) => insert_certification(&mut tx, id, c, now).await?,
        (None, Some(_)) => {
            return Err(AppError::field(
                "certification_name",
                "err.certification_kept",
            ));
        }
        (None, None) => {}
    }
    insert_version(&mut tx, id, version, snapshot, user_id, now).await?;
    tx.commit().await?;
    Ok(Some(version))
}

fn description(c: &ValidCourse) -> &str {
    if c.summary.is_empty() {
        &c.title
    } else {
        &c.summary
    }
}

fn criteria(c: &ValidCourse) -> String {
    format!(
        "Pass the final exam of the course \"{}\" with at least {}%.",
        c.title, c.pass_percent
    )
}

async fn insert_certification(
    tx: &mut Tx<'_>,
    course_id: i64,
    c: &ValidCourse,
    now: i64,
) -> Result<(), AppError> {
    let Some((name, days)) = &c.certification else {
        return Ok(());
    };
    sqlx::query(
        "INSERT INTO certifications (name, description, criteria, course_id, validity_days, tier_requirements, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(name)
    .bind(description(c))
    .bind(criteria(c))
    .bind(course_id)
    .bind(days)
    .bind(&c.tier_requirements)
    .bind(now)
    .execute(&mut **tx)
    .await
    .map_err(certification_conflict)?;
    Ok(())
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct VersionRow {
    pub version: i64,
    pub created_at: i64,
    pub created_by: Option<String>,
}

/// A course's versions, newest first.
pub async fn versions(db: &Db, course_id: i64) -> Result<Vec<VersionRow>, AppError> {
    Ok(sqlx::query_as(
        "SELECT v.version, v.created_at, u.name AS created_by FROM course_versions v \
         LEFT JOIN users u ON u.id = v.created_by WHERE v.course_id = $1 ORDER BY v.version DESC",
    )
    .bind(course_id)
    .fetch_all(&db.pool)
    .await?)
}

pub async fn set_status(
    db: &Db,
    id: i64,
    status: CourseStatus,
    now: i64,
) -> Result<bool, AppError> {
    let done = sqlx::query("UPDATE courses SET status = $1, updated_at = $2 WHERE id = $3")
        .bind(status.code())
        .bind(now)
        .bind(id)
        .execute(&db.pool)
        .await?;
    Ok(done.rows_affected() == 1)
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LessonRow {
    pub id: i64,
    pub module: String,
    pub title: String,
    pub body: String,
    pub video_url: Option<String>,
    pub asset_id: Option<i64>,
    pub done: i64,
}

/// A course's current lessons in order, each with whether `user_id` completed it.
pub async fn lessons(db: &Db, course_id: i64, user_id: i64) -> Result<Vec<LessonRow>, AppError> {
    Ok(sqlx::query_as(
        "SELECT l.id, l.module, l.title, l.body, l.video_url, l.asset_id, \
         (SELECT COUNT(*) FROM lesson_completions c WHERE c.lesson_id = l.id AND c.user_id = $2) AS done \
         FROM lessons l WHERE l.course_id = $1 AND l.retired_at IS NULL ORDER BY l.position, l.id",
    )
    .bind(course_id)
    .bind(user_id)
    .fetch_all(&db.pool)
    .await?)
}

/// The course a current lesson belongs to, and the lesson's title.
pub async fn lesson_course(db: &Db, lesson_id: i64) -> Result<Option<(i64, String)>, AppError> {
    Ok(
        sqlx::query_as("SELECT course_id, title FROM lessons WHERE id = $1 AND retired_at IS NULL")
            .bind(lesson_id)
            .fetch_optional(&db.pool)
            .await?,
    )
}

/// Records a completion; false when the lesson was completed before.
pub async fn complete_lesson(
    db: &Db,
    user_id: i64,
    lesson_id: i64,
    now: i64,
) -> Result<bool, AppError> {
    let done = sqlx::query(
        "INSERT INTO lesson_completions (user_id, lesson_id, completed_at) VALUES ($1, $2, $3) \
         ON CONFLICT (user_id, lesson_id) DO NOTHING",
    )
    .bind(user_id)
    .bind(lesson_id)
    .bind(now)
    .execute(&db.pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

#[derive(Debug, Clone, sqlx::FromRow)]
struct QuestionRow {
    id: i64,
    #[sqlx(try_from = "String")]
    kind: QuestionKind,
    prompt: String,
    topic: String,
    options: String,
    answer: String,
}

fn bank_question(r: QuestionRow) -> (i64, BankQuestion) {
    (
        r.id,
        BankQuestion {
            kind: r.kind,
            prompt: r.prompt,
            topic: r.topic,
            options: serde_json::from_str(&r.options).unwrap_or_default(),
            answer: serde_json::from_str(&r.answer).unwrap_or_default(),
        },
    )
}

const QUESTION_COLS: &str = "id, kind, prompt, topic, options, answer";

/// The current bank, inside an edit's transaction.
async fn read_questions(
    tx: &mut Tx<'_>,
    course_id: i64,
) -> Result<Vec<(i64, BankQuestion)>, AppError> {
    let rows: Vec<QuestionRow> = sqlx::query_as(&format!(
        "SELECT {QUESTION_COLS} FROM questions WHERE course_id = $1 AND retired_at IS NULL ORDER BY id"
    ))
    .bind(course_id)
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows.into_iter().map(bank_question).collect())
}

/// Questions of a course with their answers: the current bank when `ids` is `None`,
/// else the questions of `ids` (retired ones too: an attempt keeps its questions), in
/// their order. A bank holds at most a few hundred questions.
pub async fn questions(
    db: &Db,
    course_id: i64,
    ids: Option<&[i64]>,
) -> Result<Vec<(i64, BankQuestion)>, AppError> {
    let current = if ids.is_none() {
        " AND retired_at IS NULL"
    } else {
        ""
    };
    let rows: Vec<QuestionRow> = sqlx::query_as(&format!(
        "SELECT {QUESTION_COLS} FROM questions WHERE course_id = $1{current} ORDER BY id"
    ))
    .bind(course_id)
    .fetch_all(&db.pool)
    .await?;
    let all = rows.into_iter().map(bank_question);
    Ok(match ids {
        None => all.collect(),
        Some(ids) => {
            let mut by_id: std::collections::HashMap<i64, BankQuestion> = all.collect();
            ids.iter()
                .filter_map(|id| by_id.remove(id).map(|q| (*id, q)))
                .collect()
        }
    })
}

pub async fn bank_size(db: &Db, course_id: i64) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar(
        "SELECT COUNT(*) FROM questions WHERE course_id = $1 AND retired_at IS NULL",
    )
    .bind(course_id)
    .fetch_one(&db.pool)
    .await?)
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AttemptRow {
    pub id: i64,
    pub course_id: i64,
    pub question_ids: String,
    pub started_at: i64,
    pub deadline_at: Option<i64>,
    pub submitted_at: Option<i64>,
    pub passed: Option<i64>,
    pub result: Option<String>,
    pub option_orders: String,
}

const ATTEMPT_COLS: &str = "id, course_id, question_ids, started_at, deadline_at, submitted_at, \
                            passed, result, option_orders";

/// `user_id`'s attempts at a course, oldest first.
pub async fn attempts(db: &Db, user_id: i64, course_id: i64) -> Result<Vec<AttemptRow>, AppError> {
    Ok(sqlx::query_as(&format!(
        "SELECT {ATTEMPT_COLS} FROM quiz_attempts WHERE user_id = $1 AND course_id = $2 ORDER BY id"
    ))
    .bind(user_id)
    .bind(course_id)
    .fetch_all(&db.pool)
    .await?)
}

/// One of `user_id`'s attempts; another person's is not found.
pub async fn attempt(db: &Db, user_id: i64, id: i64) -> Result<Option<AttemptRow>, AppError> {
    Ok(sqlx::query_as(&format!(
        "SELECT {ATTEMPT_COLS} FROM quiz_attempts WHERE id = $1 AND user_id = $2"
    ))
    .bind(id)
    .bind(user_id)
    .fetch_optional(&db.pool)
    .await?)
}

/// A new attempt: the drawn questions, each one's option order, and its deadline.
pub struct NewAttempt<'a> {
    pub course_id: i64,
    pub user_id: i64,
    pub org_id: i64,
    pub question_ids: &'a [i64],
    pub option_orders: &'a [Vec<usize>],
    pub deadline: Option<i64>,
}

pub async fn insert_attempt(db: &Db, a: NewAttempt<'_>, now: i64) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar(
        "INSERT INTO quiz_attempts (course_id, user_id, org_id, question_ids, started_at, deadline_at, option_orders) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(a.course_id)
    .bind(a.user_id)
    .bind(a.org_id)
    .bind(serde_json::to_string(a.question_ids).unwrap_or_default())
    .bind(now)
    .bind(a.deadline)
    .bind(serde_json::to_string(a.option_orders).unwrap_or_default())
    .fetch_one(&db.pool)
    .await?)
}

/// Records a graded attempt, once: false when it was already submitted (a double submit).
pub async fn finish_attempt(
    db: &Db,
    id: i64,
    result: &AttemptResult,
    now: i64,
) -> Result<bool, AppError> {
    let done = sqlx::query(
        "UPDATE quiz_attempts SET submitted_at = $1, score_percent = $2, passed = $3, result = $4 \
         WHERE id = $5 AND submitted_at IS NULL",
    )
    .bind(now)
    .bind(result.score_percent)
    .bind(i64::from(result.passed))
    .bind(serde_json::to_string(result).unwrap_or_default())
    .bind(id)
    .execute(&db.pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Replaces a submitted attempt's stored result (to add the credential it earned).
pub async fn set_result(db: &Db, id: i64, result: &AttemptResult) -> Result<(), AppError> {
    sqlx::query("UPDATE quiz_attempts SET result = $1 WHERE id = $2")
        .bind(serde_json::to_string(result).unwrap_or_default())
        .bind(id)
        .execute(&db.pool)
        .await?;
    Ok(())
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CourseListRow {
    pub id: i64,
    pub title: String,
    pub summary: String,
    #[sqlx(try_from = "String")]
    pub status: CourseStatus,
    pub lessons: i64,
    pub lessons_done: i64,
    pub passed: i64,
    pub certification: Option<String>,
}

/// Courses with `user_id`'s progress: every course for vendor staff who manage learning
/// (`all`), published ones otherwise.
pub async fn list(db: &Db, user_id: i64, all: bool) -> Result<Vec<CourseListRow>, AppError> {
    Ok(sqlx::query_as(
        "SELECT c.id, c.title, c.summary, c.status, \
         (SELECT COUNT(*) FROM lessons l WHERE l.course_id = c.id AND l.retired_at IS NULL) AS lessons, \
         (SELECT COUNT(*) FROM lesson_completions lc JOIN lessons l ON l.id = lc.lesson_id \
          WHERE l.course_id = c.id AND l.retired_at IS NULL AND lc.user_id = $1) AS lessons_done, \
         (SELECT COUNT(*) FROM quiz_attempts a WHERE a.course_id = c.id AND a.user_id = $1 AND a.passed = 1) AS passed, \
         (SELECT MIN(name) FROM certifications ce WHERE ce.course_id = c.id) AS certification \
         FROM courses c WHERE ($2 = 1 OR c.status = 'published') ORDER BY LOWER(c.title), c.id",
    )
    .bind(user_id)
    .bind(i64::from(all))
    .fetch_all(&db.pool)
    .await?)
}

/// Credentials valid at `now`: issued, not revoked, not expired.
pub async fn valid_credentials(db: &Db, now: i64) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar(
        "SELECT COUNT(*) FROM credentials WHERE revoked_at IS NULL AND valid_until > $1",
    )
    .bind(now)
    .fetch_one(&db.pool)
    .await?)
}
