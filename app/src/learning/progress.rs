//! Who did what: each person's progress per course (REST `enrolments`) and per person
//! (the team table of the learning report). Bound to a reach: every partner for vendor
//! staff who read all learning, the organisation for a partner admin, else one's own.

use super::awards::Reach;
use super::{Enrolment, PersonProgress};
use crate::error::AppError;
use crate::server::db::Db;

/// At most this many rows in one answer.
pub const MAX_ROWS: i64 = 5_000;

/// The condition on `u` (users) for a reach, with its one bound value as `$n`.
fn within(reach: Reach, n: usize) -> (String, i64) {
    match reach {
        Reach::All => (format!("${n} = 0"), 0),
        Reach::Org(id) => (format!("u.org_id = ${n}"), id),
        Reach::User(id) => (format!("u.id = ${n}"), id),
    }
}

#[derive(sqlx::FromRow)]
struct EnrolmentRow {
    user_id: i64,
    user_name: String,
    user_email: String,
    org_name: String,
    course_id: i64,
    course_title: String,
    lessons_done: i64,
    lessons_total: i64,
    attempts: i64,
    passed_at: Option<i64>,
}

/// Every (person, course) within `reach` where the person completed a lesson or took the
/// quiz, narrowed to one person when `user_id` is given; by organisation, person, course.
pub async fn enrolments(
    db: &Db,
    reach: Reach,
    user_id: Option<i64>,
) -> Result<Vec<Enrolment>, AppError> {
    let (cond, bind) = within(reach, 1);
    let rows: Vec<EnrolmentRow> = sqlx::query_as(&format!(
        "SELECT u.id AS user_id, u.name AS user_name, u.email AS user_email, o.name AS org_name, \
         c.id AS course_id, c.title AS course_title, \
         (SELECT COUNT(*) FROM lesson_completions lc JOIN lessons l ON l.id = lc.lesson_id \
          WHERE l.course_id = c.id AND l.retired_at IS NULL AND lc.user_id = u.id) AS lessons_done, \
         (SELECT COUNT(*) FROM lessons l WHERE l.course_id = c.id AND l.retired_at IS NULL) AS lessons_total, \
         (SELECT COUNT(*) FROM quiz_attempts a WHERE a.course_id = c.id AND a.user_id = u.id \
          AND a.submitted_at IS NOT NULL) AS attempts, \
         (SELECT MAX(a.submitted_at) FROM quiz_attempts a WHERE a.course_id = c.id \
          AND a.user_id = u.id AND a.passed = 1) AS passed_at \
         FROM (SELECT lc.user_id, l.course_id FROM lesson_completions lc JOIN lessons l ON l.id = lc.lesson_id \
               UNION SELECT a.user_id, a.course_id FROM quiz_attempts a) p \
         JOIN users u ON u.id = p.user_id JOIN orgs o ON o.id = u.org_id \
         JOIN courses c ON c.id = p.course_id \
         WHERE {cond} AND ($2 = 0 OR u.id = $2) \
         ORDER BY o.name, u.name, u.id, c.title, c.id LIMIT {MAX_ROWS}"
    ))
    .bind(bind)
    .bind(user_id.unwrap_or(0))
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Enrolment {
            user_id: r.user_id,
            user_name: r.user_name,
            user_email: r.user_email,
            org_name: r.org_name,
            course_id: r.course_id,
            course_title: r.course_title,
            lessons_done: r.lessons_done,
            lessons_total: r.lessons_total,
            attempts: r.attempts,
            passed_at: r.passed_at,
        })
        .collect())
}

#[derive(sqlx::FromRow)]
struct PersonRow {
    user_id: i64,
    name: String,
    email: String,
    org_name: String,
    lessons_done: i64,
    courses_passed: i64,
    certified: i64,
    next_expiry: Option<i64>,
}

/// Every active partner user within `reach` (those who have not started too), with what
/// they completed and hold now.
pub async fn people(db: &Db, reach: Reach, now: i64) -> Result<Vec<PersonProgress>, AppError> {
    let (cond, bind) = within(reach, 1);
    let rows: Vec<PersonRow> = sqlx::query_as(&format!(
        "SELECT u.id AS user_id, u.name, u.email, o.name AS org_name, \
         (SELECT COUNT(*) FROM lesson_completions lc JOIN lessons l ON l.id = lc.lesson_id \
          WHERE lc.user_id = u.id AND l.retired_at IS NULL) AS lessons_done, \
         (SELECT COUNT(DISTINCT a.course_id) FROM quiz_attempts a WHERE a.user_id = u.id AND a.passed = 1) AS courses_passed, \
         (SELECT COUNT(*) FROM credentials cr WHERE cr.user_id = u.id AND cr.revoked_at IS NULL \
          AND cr.valid_until > $2) AS certified, \
         (SELECT MIN(cr.valid_until) FROM credentials cr WHERE cr.user_id = u.id AND cr.revoked_at IS NULL \
          AND cr.valid_until > $2) AS next_expiry \
         FROM users u JOIN orgs o ON o.id = u.org_id \
         WHERE o.kind = 'partner' AND u.active = 1 AND {cond} \
         ORDER BY o.name, u.name, u.id LIMIT {MAX_ROWS}"
    ))
    .bind(bind)
    .bind(now)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| PersonProgress {
            user_id: r.user_id,
            name: r.name,
            email: r.email,
            org_name: r.org_name,
            lessons_done: r.lessons_done,
            courses_passed: r.courses_passed,
            certified: r.certified,
            next_expiry: r.next_expiry,
        })
        .collect())
}
