//! Use cases of courses and quizzes: who may write, read and take a course, the quiz's
//! limits (attempts, cool-down, time limit), all enforced here, and grading. A pass that
//! is a certification's final exam issues the credential (`awards`).

use super::quiz::{self, BankQuestion};
use super::store::{self, AttemptRow, CourseRow};
use super::{
    AnswerInput, AttemptResult, AttemptView, CourseInput, CourseStatus, CourseSummary,
    CourseVersion, CourseView, LessonAsset, LessonInput, LessonView, QuestionFeedback,
    QuestionView, QuizInfo, awards, markdown, xapi,
};
use crate::auth::Caller;
use crate::error::AppError;
use crate::policy::{Action, role_allows};
use crate::server::AppState;
use crate::server::db::Db;

/// Grace after a time limit for the request to arrive, in seconds.
const DEADLINE_GRACE: i64 = 30;

fn manages(c: &Caller) -> bool {
    c.vendor && role_allows(c.role, Action::ManageLearning)
}

/// The course if the caller may read it: published ones for everyone signed in, every
/// one for those who write courses. Otherwise "not found".
async fn readable(db: &Db, c: &Caller, id: i64) -> Result<CourseRow, AppError> {
    match store::course(db, id).await? {
        Some(row) if row.status == CourseStatus::Published || manages(c) => Ok(row),
        _ => Err(AppError::NotFound),
    }
}

/// The course if the caller may take it now: a published course and a role that takes
/// courses.
async fn takeable(db: &Db, c: &Caller, id: i64) -> Result<CourseRow, AppError> {
    c.require(Action::TakeCourses)?;
    match store::course(db, id).await? {
        Some(row) if row.status == CourseStatus::Published => Ok(row),
        _ => Err(AppError::NotFound),
    }
}

pub async fn list(db: &Db, c: &Caller) -> Result<Vec<CourseSummary>, AppError> {
    Ok(store::list(db, c.user_id, manages(c))
        .await?
        .into_iter()
        .map(|r| CourseSummary {
            id: r.id,
            title: r.title,
            summary: r.summary,
            status: r.status,
            lessons: r.lessons,
            lessons_done: r.lessons_done,
            passed: r.passed > 0,
            certification: r.certification,
        })
        .collect())
}

pub async fn create(db: &Db, c: &Caller, input: &CourseInput, now: i64) -> Result<i64, AppError> {
    c.require(Action::ManageLearning)?;
    let valid = quiz::validate_course(input)?;
    let status = if input.publish {
        CourseStatus::Published
    } else {
        CourseStatus::Draft
    };
    assets_exist(db, &valid).await?;
    let id = store::insert_course(db, &valid, input, status, c.user_id, now).await?;
    crate::server::audit::record(
        &db.pool,
        crate::server::audit::AuditEvent {
            actor: crate::policy::Actor::User(c),
            org_id: None,
            action: "course.create",
            entity_type: "course",
            entity_id: id.to_string(),
            before: None,
            after: Some(serde_json::json!({ "title": valid.title, "status": status })),
        },
    )
    .await?;
    Ok(id)
}

/// Every embedded asset exists in the content library (whether a learner may see it is
/// decided when the lesson is shown, by the library's own rules).
async fn assets_exist(db: &Db, valid: &quiz::ValidCourse) -> Result<(), AppError> {
    let mut p = crate::error::Problems::new();
    for (i, l) in valid.lessons.iter().enumerate() {
        if let Some(asset) = l.asset_id {
            let found: Option<i64> = sqlx::query_scalar("SELECT id FROM assets WHERE id = $1")
                .bind(asset)
                .fetch_optional(&db.pool)
                .await?;
            if found.is_none() {
                p.add(&quiz::lesson_field(i, "asset"), "err.asset_not_found");
            }
        }
    }
    p.into_result()
}

/// Saves an edit as the course's next version. Everyone's completions, attempts and
/// credentials stay as they were (see `store::update_course`). Returns the version.
pub async fn update(
    db: &Db,
    c: &Caller,
    id: i64,
    input: &CourseInput,
    now: i64,
) -> Result<i64, AppError> {
    c.require(Action::ManageLearning)?;
    let valid = quiz::validate_course(input)?;
    assets_exist(db, &valid).await?;
    let version = store::update_course(db, id, &valid, input, c.user_id, now)
        .await?
        .ok_or(AppError::NotFound)?;
    crate::server::audit::record(
        &db.pool,
        crate::server::audit::AuditEvent {
            actor: crate::policy::Actor::User(c),
            org_id: None,
            action: "course.update",
            entity_type: "course",
            entity_id: id.to_string(),
            before: None,
            after: Some(serde_json::json!({ "title": valid.title, "version": version })),
        },
    )
    .await?;
    Ok(version)
}

/// The course as last written, for its edit form (with the question bank and so its
/// answers: for those who write courses only).
pub async fn input(db: &Db, c: &Caller, id: i64) -> Result<CourseInput, AppError> {
    c.require(Action::ManageLearning)?;
    let course = store::course(db, id).await?.ok_or(AppError::NotFound)?;
    let mut input = CourseInput {
        lessons: store::lessons(db, id, c.user_id)
            .await?
            .into_iter()
            .map(|l| LessonInput {
                module: l.module,
                title: l.title,
                body: l.body,
                video_url: l.video_url.unwrap_or_default(),
                asset: l.asset_id.map(|a| a.to_string()).unwrap_or_default(),
            })
            .collect(),
        ..Default::default()
    };
    let bank: Vec<BankQuestion> = store::questions(db, id, None)
        .await?
        .into_iter()
        .map(|(_, q)| q)
        .collect();
    input.questions = quiz::bank_text(&bank);
    input.title = course.title;
    input.summary = course.summary;
    input.draw_count = course.draw_count.to_string();
    input.pass_percent = course.pass_percent.to_string();
    input.max_attempts = course.max_attempts.to_string();
    input.cooldown_minutes = course.cooldown_minutes.to_string();
    input.time_limit_minutes = course.time_limit_minutes.to_string();
    input.publish = course.status == CourseStatus::Published;
    if let Some(cert) = awards::certification_of_course(db, id).await? {
        input.certification_name = cert.name;
        input.certification_validity_days = cert.validity_days.to_string();
        input.tier_requirements = cert.tier_requirements;
    }
    Ok(input)
}

/// Publishes, unpublishes or archives a course. Nobody's progress, attempts or
/// credentials change.
pub async fn set_status(
    db: &Db,
    c: &Caller,
    id: i64,
    status: CourseStatus,
    now: i64,
) -> Result<(), AppError> {
    c.require(Action::ManageLearning)?;
    if !store::set_status(db, id, status, now).await? {
        return Err(AppError::NotFound);
    }
    Ok(())
}

/// Attempts since the caller's last pass (a recertification starts a fresh count).
fn current_round(attempts: &[AttemptRow]) -> &[AttemptRow] {
    match attempts.iter().rposition(|a| a.passed == Some(1)) {
        Some(i) => &attempts[i + 1..],
        None => attempts,
    }
}

/// When the next attempt may start: after the cool-down that follows a failed attempt.
fn next_attempt_at(round: &[AttemptRow], cooldown_minutes: i64, now: i64) -> Option<i64> {
    let last = round.iter().rev().find_map(|a| a.submitted_at)?;
    let at = last + cooldown_minutes * 60;
    (cooldown_minutes > 0 && at > now).then_some(at)
}

fn is_open(a: &AttemptRow, now: i64) -> bool {
    a.submitted_at.is_none() && a.deadline_at.is_none_or(|d| now <= d + DEADLINE_GRACE)
}

pub async fn view(db: &Db, c: &Caller, id: i64, now: i64) -> Result<CourseView, AppError> {
    let course = readable(db, c, id).await?;
    let rows = store::lessons(db, id, c.user_id).await?;
    let audience = if rows.iter().any(|l| l.asset_id.is_some()) {
        Some(crate::content::visibility::audience(db, c).await?)
    } else {
        None
    };
    let mut lessons: Vec<LessonView> = Vec::with_capacity(rows.len());
    for l in rows {
        let asset = match (l.asset_id, &audience) {
            (Some(asset), Some(aud)) => lesson_asset(db, aud, asset).await?,
            _ => None,
        };
        lessons.push(LessonView {
            id: l.id,
            module: l.module,
            title: l.title,
            html: markdown::render(&l.body),
            video_url: l.video_url,
            asset_hidden: l.asset_id.is_some() && asset.is_none(),
            asset,
            done: l.done > 0,
        });
    }
    let versions = if manages(c) {
        store::versions(db, id)
            .await?
            .into_iter()
            .map(|v| CourseVersion {
                version: v.version,
                created_at: v.created_at,
                created_by: v.created_by,
            })
            .collect()
    } else {
        Vec::new()
    };
    let attempts = store::attempts(db, c.user_id, id).await?;
    let round = current_round(&attempts);
    let last = attempts
        .iter()
        .rev()
        .find_map(|a| a.result.as_deref())
        .and_then(|r| serde_json::from_str::<AttemptResult>(r).ok());
    let certification = awards::certification_of_course(db, id)
        .await?
        .map(|c| c.name);
    Ok(CourseView {
        id,
        title: course.title,
        summary: course.summary,
        status: course.status,
        version: course.version,
        versions,
        resume_lesson: lessons.iter().find(|l| !l.done).map(|l| l.id),
        lessons,
        quiz: QuizInfo {
            bank_size: store::bank_size(db, id).await?,
            draw_count: course.draw_count,
            pass_percent: course.pass_percent,
            max_attempts: course.max_attempts,
            attempts_used: round.len() as i64,
            cooldown_minutes: course.cooldown_minutes,
            time_limit_minutes: course.time_limit_minutes,
            next_attempt_at: next_attempt_at(round, course.cooldown_minutes, now),
            passed: attempts.iter().any(|a| a.passed == Some(1)),
            certification,
            last,
        },
        may_take: course.status == CourseStatus::Published
            && role_allows(c.role, Action::TakeCourses),
    })
}

/// The asset if the library's visibility rules let the reader see it.
async fn lesson_asset(
    db: &Db,
    aud: &crate::content::visibility::Audience,
    id: i64,
) -> Result<Option<LessonAsset>, AppError> {
    use sqlx::Row;
    match crate::content::visibility::visible_row(db, aud, id).await {
        Ok(row) => Ok(Some(LessonAsset {
            id,
            title: row.try_get("title")?,
            kind: row.try_get("kind")?,
        })),
        Err(AppError::NotFound) => Ok(None),
        Err(e) => Err(e),
    }
}

pub async fn complete_lesson(
    state: &AppState,
    c: &Caller,
    lesson_id: i64,
    now: i64,
) -> Result<(), AppError> {
    let db = &state.db;
    let (course, title) = store::lesson_course(db, lesson_id)
        .await?
        .ok_or(AppError::NotFound)?;
    takeable(db, c, course).await?;
    if store::complete_lesson(db, c.user_id, lesson_id, now).await? {
        let activity = xapi::Activity {
            id: format!(
                "{}/learning/courses/{course}#lesson-{lesson_id}",
                state.config.public_url
            ),
            name: title,
            kind: xapi::LESSON,
        };
        xapi::record(state, c, xapi::COMPLETED, activity, None, now).await?;
    }
    Ok(())
}

/// The questions as the taker sees them: options in the attempt's order, no answers.
fn question_views(drawn: &[(i64, BankQuestion)], orders: &[Vec<usize>]) -> Vec<QuestionView> {
    drawn
        .iter()
        .enumerate()
        .map(|(n, (id, q))| {
            let options = match orders.get(n) {
                Some(order) if order.len() == q.options.len() => order
                    .iter()
                    .filter_map(|i| q.options.get(*i).cloned())
                    .collect(),
                _ => q.options.clone(),
            };
            QuestionView {
                id: *id,
                kind: q.kind,
                prompt: q.prompt.clone(),
                options,
            }
        })
        .collect()
}

fn orders_of(a: &AttemptRow) -> Vec<Vec<usize>> {
    serde_json::from_str(&a.option_orders).unwrap_or_default()
}

/// Starts an attempt, or returns the one still open. Refused when no attempts are left,
/// during a cool-down, or when the caller already holds what the course gives and is not
/// due to renew.
pub async fn start(db: &Db, c: &Caller, course_id: i64, now: i64) -> Result<AttemptView, AppError> {
    let course = takeable(db, c, course_id).await?;
    let attempts = store::attempts(db, c.user_id, course_id).await?;
    if let Some(open) = attempts.iter().rev().find(|a| is_open(a, now)) {
        let ids: Vec<i64> = serde_json::from_str(&open.question_ids).unwrap_or_default();
        let drawn = store::questions(db, course_id, Some(&ids)).await?;
        return Ok(AttemptView {
            id: open.id,
            questions: question_views(&drawn, &orders_of(open)),
            deadline_at: open.deadline_at,
            seconds_left: open.deadline_at.map(|d| (d - now).max(0)),
        });
    }
    if attempts.iter().any(|a| a.passed == Some(1))
        && !awards::renewal_due(db, c.user_id, course_id, now).await?
    {
        return Err(AppError::Conflict("quiz.already_passed".into()));
    }
    let round = current_round(&attempts);
    if round.len() as i64 >= course.max_attempts {
        return Err(AppError::Conflict("quiz.no_attempts_left".into()));
    }
    if next_attempt_at(round, course.cooldown_minutes, now).is_some() {
        return Err(AppError::Conflict("quiz.cooling_down".into()));
    }
    let bank = store::questions(db, course_id, None).await?;
    if bank.is_empty() {
        return Err(AppError::Conflict("quiz.no_questions".into()));
    }
    let ids: Vec<i64> = bank.iter().map(|(id, _)| *id).collect();
    let drawn_ids = quiz::draw(&ids, course.draw_count.max(1) as usize);
    let deadline = (course.time_limit_minutes > 0).then(|| now + course.time_limit_minutes * 60);
    let drawn = store::questions(db, course_id, Some(&drawn_ids)).await?;
    let orders: Vec<Vec<usize>> = drawn
        .iter()
        .map(|(_, q)| quiz::option_order(q.kind, q.options.len()))
        .collect();
    let id = store::insert_attempt(
        db,
        store::NewAttempt {
            course_id,
            user_id: c.user_id,
            org_id: c.org_id,
            question_ids: &drawn_ids,
            option_orders: &orders,
            deadline,
        },
        now,
    )
    .await?;
    Ok(AttemptView {
        id,
        questions: question_views(&drawn, &orders),
        deadline_at: deadline,
        seconds_left: deadline.map(|d| d - now),
    })
}

/// Grades an attempt on the server. Late (past the time limit) attempts score zero; a
/// second submission of the same attempt is refused.
pub async fn submit(
    state: &AppState,
    c: &Caller,
    attempt_id: i64,
    answers: &[AnswerInput],
    now: i64,
) -> Result<AttemptResult, AppError> {
    let db = &state.db;
    c.require(Action::TakeCourses)?;
    if answers.len() > quiz::MAX_QUESTIONS {
        return Err(AppError::field("answers", "err.too_many"));
    }
    let attempt = store::attempt(db, c.user_id, attempt_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if attempt.submitted_at.is_some() {
        return Err(AppError::Conflict("quiz.already_submitted".into()));
    }
    let course = takeable(db, c, attempt.course_id).await?;
    let late = attempt
        .deadline_at
        .is_some_and(|d| now > d + DEADLINE_GRACE);
    let ids: Vec<i64> = serde_json::from_str(&attempt.question_ids).unwrap_or_default();
    let drawn = store::questions(db, course.id, Some(&ids)).await?;
    let pairs: Vec<(i64, &BankQuestion)> = drawn.iter().map(|(id, q)| (*id, q)).collect();
    // Answers name options as shown; grading reads them as stored.
    let orders = orders_of(&attempt);
    let answers: Vec<AnswerInput> = if late {
        Vec::new()
    } else {
        answers
            .iter()
            .map(|a| {
                let order = ids
                    .iter()
                    .position(|q| *q == a.question_id)
                    .and_then(|n| orders.get(n));
                AnswerInput {
                    question_id: a.question_id,
                    chosen: match order {
                        Some(order) => quiz::unshuffle(order, &a.chosen),
                        None => a.chosen.clone(),
                    },
                }
            })
            .collect()
    };
    let (graded, score) = quiz::grade(&pairs, &answers);
    let passed = !late && score >= course.pass_percent;
    let mut topics: Vec<String> = Vec::new();
    let feedback: Vec<QuestionFeedback> = graded
        .iter()
        .zip(&drawn)
        .map(|(g, (_, q))| {
            if !g.correct && !q.topic.is_empty() && !topics.contains(&q.topic) {
                topics.push(q.topic.clone());
            }
            QuestionFeedback {
                prompt: q.prompt.clone(),
                topic: q.topic.clone(),
                correct: g.correct,
                right_options: q
                    .answer
                    .iter()
                    .filter_map(|i| q.options.get(*i).cloned())
                    .collect(),
            }
        })
        .collect();
    let mut result = AttemptResult {
        id: attempt.id,
        score_percent: score,
        passed,
        pass_percent: course.pass_percent,
        topics_to_revisit: topics,
        feedback,
        credential_id: None,
    };
    // Recorded once, before anything is issued: a double submit cannot earn twice.
    if !store::finish_attempt(db, attempt.id, &result, now).await? {
        return Err(AppError::Conflict("quiz.already_submitted".into()));
    }
    let outcome = serde_json::json!({
        "score": { "scaled": score as f64 / 100.0, "raw": score, "min": 0, "max": 100 },
        "success": passed,
        "completion": true,
    });
    for verb in [
        xapi::ATTEMPTED,
        if passed { xapi::PASSED } else { xapi::FAILED },
    ] {
        let activity = xapi::Activity {
            id: format!(
                "{}/learning/courses/{}#quiz",
                state.config.public_url, course.id
            ),
            name: course.title.clone(),
            kind: xapi::ASSESSMENT,
        };
        xapi::record(state, c, verb, activity, Some(outcome.clone()), now).await?;
    }
    if passed {
        result.credential_id = awards::on_pass(state, c, course.id, now).await?;
        if result.credential_id.is_some() {
            store::set_result(db, attempt.id, &result).await?;
        }
    }
    if late {
        return Err(AppError::Conflict("quiz.time_up".into()));
    }
    Ok(result)
}
