//! SQL of courses, lessons, the question bank and quiz attempts. Course content is the
//! vendor's and not partner data; progress and attempts are always bound to one user.

use super::quiz::{BankQuestion, ValidCourse};
use super::{AttemptResult, CourseStatus, QuestionKind};
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
}

const COURSE_COLS: &str = "id, title, summary, status, draw_count, pass_percent, max_attempts, \
                           cooldown_minutes, time_limit_minutes";

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
        sqlx::query(
            "INSERT INTO lessons (course_id, position, title, body, video_url) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(id)
        .bind(pos as i64)
        .bind(&l.title)
        .bind(&l.body)
        .bind((!l.video_url.is_empty()).then_some(l.video_url.as_str()))
        .execute(&mut *tx)
        .await?;
    }
    for q in &c.bank {
        sqlx::query(
            "INSERT INTO questions (course_id, kind, prompt, topic, options, answer) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(id)
        .bind(q.kind.code())
        .bind(&q.prompt)
        .bind(&q.topic)
        .bind(serde_json::to_string(&q.options).unwrap_or_default())
        .bind(serde_json::to_string(&q.answer).unwrap_or_default())
        .execute(&mut *tx)
        .await?;
    }
    if let Some((name, days)) = &c.certification {
        sqlx::query(
            "INSERT INTO certifications (name, description, criteria, course_id, validity_days, tier_requirements, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(name)
        .bind(if c.summary.is_empty() { &c.title } else { &c.summary })
        .bind(format!(
            "Pass the final exam of the course \"{}\" with at least {}%.",
            c.title, c.pass_percent
        ))
        .bind(id)
        .bind(days)
        .bind(&c.tier_requirements)
        .bind(now)
        .execute(&mut *tx)
        .await
        .map_err(|e| match e {
            sqlx::Error::Database(d) if d.is_unique_violation() => {
                AppError::field("certification_name", "err.certification_exists")
            }
            e => e.into(),
        })?;
    }
    tx.commit().await?;
    Ok(id)
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
    pub title: String,
    pub body: String,
    pub video_url: Option<String>,
    pub done: i64,
}

/// A course's lessons in order, each with whether `user_id` completed it.
pub async fn lessons(db: &Db, course_id: i64, user_id: i64) -> Result<Vec<LessonRow>, AppError> {
    Ok(sqlx::query_as(
        "SELECT l.id, l.title, l.body, l.video_url, \
         (SELECT COUNT(*) FROM lesson_completions c WHERE c.lesson_id = l.id AND c.user_id = $2) AS done \
         FROM lessons l WHERE l.course_id = $1 ORDER BY l.position, l.id",
    )
    .bind(course_id)
    .bind(user_id)
    .fetch_all(&db.pool)
    .await?)
}

/// The course a lesson belongs to, and the lesson's title.
pub async fn lesson_course(db: &Db, lesson_id: i64) -> Result<Option<(i64, String)>, AppError> {
    Ok(
        sqlx::query_as("SELECT course_id, title FROM lessons WHERE id = $1")
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

/// Questions of a course by id (all of them when `ids` is `None`), with their answers, in
/// the order of `ids`. A bank holds at most a few hundred questions.
pub async fn questions(
    db: &Db,
    course_id: i64,
    ids: Option<&[i64]>,
) -> Result<Vec<(i64, BankQuestion)>, AppError> {
    let rows: Vec<QuestionRow> = sqlx::query_as(
        "SELECT id, kind, prompt, topic, options, answer FROM questions WHERE course_id = $1 ORDER BY id",
    )
    .bind(course_id)
    .fetch_all(&db.pool)
    .await?;
    let all = rows.into_iter().map(|r| {
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
    });
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
    Ok(
        sqlx::query_scalar("SELECT COUNT(*) FROM questions WHERE course_id = $1")
            .bind(course_id)
            .fetch_one(&db.pool)
            .await?,
    )
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
}

const ATTEMPT_COLS: &str =
    "id, course_id, question_ids, started_at, deadline_at, submitted_at, passed, result";

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

pub async fn insert_attempt(
    db: &Db,
    course_id: i64,
    user_id: i64,
    org_id: i64,
    question_ids: &[i64],
    now: i64,
    deadline: Option<i64>,
) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar(
        "INSERT INTO quiz_attempts (course_id, user_id, org_id, question_ids, started_at, deadline_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(course_id)
    .bind(user_id)
    .bind(org_id)
    .bind(serde_json::to_string(question_ids).unwrap_or_default())
    .bind(now)
    .bind(deadline)
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
         (SELECT COUNT(*) FROM lessons l WHERE l.course_id = c.id) AS lessons, \
         (SELECT COUNT(*) FROM lesson_completions lc JOIN lessons l ON l.id = lc.lesson_id \
          WHERE l.course_id = c.id AND lc.user_id = $1) AS lessons_done, \
         (SELECT COUNT(*) FROM quiz_attempts a WHERE a.course_id = c.id AND a.user_id = $1 AND a.passed = 1) AS passed, \
         (SELECT MIN(name) FROM certifications ce WHERE ce.course_id = c.id) AS certification \
         FROM courses c WHERE ($2 = 1 OR c.status = 'published') ORDER BY LOWER(c.title), c.id",
    )
    .bind(user_id)
    .bind(i64::from(all))
    .fetch_all(&db.pool)
    .await?)
}
