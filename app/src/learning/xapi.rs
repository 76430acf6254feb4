//! xAPI (Experience API 1.0.3) statements of learning: a lesson completed, a quiz
//! attempted, passed or failed, a certification earned. Each is stored; with
//! `TRELLIS_XAPI_URL` set, a job of the durable queue sends it to that LRS (retried with
//! backoff, so a slow or absent LRS never holds up a learner). Vendor admins export them.

use crate::auth::Caller;
use crate::error::AppError;
use crate::policy::Action;
use crate::server::AppState;
use crate::server::db::Db;
use crate::server::jobs::{self, Enqueue, Job};
use serde_json::{Value, json};

/// The job kind that sends one statement to the LRS.
pub const SEND_JOB: &str = "learning.xapi_send";

/// An xAPI verb: its IRI and English display name.
#[derive(Debug, Clone, Copy)]
pub struct Verb(pub &'static str, pub &'static str);

pub const COMPLETED: Verb = Verb("http://adlnet.gov/expapi/verbs/completed", "completed");
pub const ATTEMPTED: Verb = Verb("http://adlnet.gov/expapi/verbs/attempted", "attempted");
pub const PASSED: Verb = Verb("http://adlnet.gov/expapi/verbs/passed", "passed");
pub const FAILED: Verb = Verb("http://adlnet.gov/expapi/verbs/failed", "failed");
pub const EARNED: Verb = Verb("http://id.tincanapi.com/verb/earned", "earned");

/// What a statement is about: an activity with its IRI, name and type.
pub struct Activity {
    pub id: String,
    pub name: String,
    pub kind: &'static str,
}

pub const LESSON: &str = "http://adlnet.gov/expapi/activities/lesson";
pub const ASSESSMENT: &str = "http://adlnet.gov/expapi/activities/assessment";
pub const CERTIFICATION: &str = "https://w3id.org/xapi/cmi5/activitytype/course";

/// The statement, as sent to an LRS.
pub fn statement(
    id: &str,
    c: &Caller,
    verb: Verb,
    activity: &Activity,
    result: Option<Value>,
    now: i64,
) -> Value {
    let mut s = json!({
        "id": id,
        "actor": { "objectType": "Agent", "name": c.name, "mbox": format!("mailto:{}", c.email) },
        "verb": { "id": verb.0, "display": { "en-US": verb.1 } },
        "object": {
            "objectType": "Activity",
            "id": activity.id,
            "definition": { "name": { "en-US": activity.name }, "type": activity.kind },
        },
        "timestamp": super::credentials::xsd_datetime(now),
        "version": "1.0.3",
    });
    if let (Some(r), Some(o)) = (result, s.as_object_mut()) {
        o.insert("result".into(), r);
    }
    s
}

/// Stores a statement and, with an LRS configured, queues its delivery.
pub async fn record(
    state: &AppState,
    c: &Caller,
    verb: Verb,
    activity: Activity,
    result: Option<Value>,
    now: i64,
) -> Result<(), AppError> {
    let id = uuid::Uuid::new_v4().to_string();
    let body = statement(&id, c, verb, &activity, result, now);
    let mut tx = state.db.pool.begin().await?;
    sqlx::query(
        "INSERT INTO xapi_statements (id, user_id, org_id, verb, statement, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&id)
    .bind(c.user_id)
    .bind(c.org_id)
    .bind(verb.1)
    .bind(body.to_string())
    .bind(now)
    .execute(&mut *tx)
    .await?;
    if state.config.xapi_url.is_some() {
        jobs::enqueue(
            &mut *tx,
            SEND_JOB,
            &json!({ "id": id }),
            Enqueue {
                max_attempts: 8,
                ..Enqueue::default()
            },
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// The handler of `learning.xapi_send`: posts one statement to `{TRELLIS_XAPI_URL}/statements`.
/// A statement already delivered is not sent again; the LRS also de-duplicates by id.
pub async fn run_send_job(state: AppState, job: Job) -> Result<(), String> {
    let Some(url) = state.config.xapi_url.clone() else {
        return Ok(());
    };
    let id = job.payload["id"].as_str().unwrap_or_default().to_string();
    let row: Option<(String, Option<i64>)> =
        sqlx::query_as("SELECT statement, sent_at FROM xapi_statements WHERE id = $1")
            .bind(&id)
            .fetch_optional(&state.db.pool)
            .await
            .map_err(|e| e.to_string())?;
    let Some((body, sent)) = row else {
        return Ok(());
    };
    if sent.is_some() {
        return Ok(());
    }
    let mut req = reqwest::Client::new()
        .post(format!("{}/statements", url.trim_end_matches('/')))
        .header("X-Experience-API-Version", "1.0.3")
        .header("Content-Type", "application/json")
        .timeout(std::time::Duration::from_secs(20))
        .body(body);
    if let Some(user) = &state.config.xapi_username {
        req = req.basic_auth(user, state.config.xapi_password.as_deref());
    }
    let res = req
        .send()
        .await
        .map_err(|e| format!("LRS unreachable: {e}"))?;
    if !res.status().is_success() {
        return Err(format!("LRS answered {}", res.status()));
    }
    sqlx::query("UPDATE xapi_statements SET sent_at = $1 WHERE id = $2")
        .bind(crate::server::now())
        .bind(&id)
        .execute(&state.db.pool)
        .await
        .map_err(|e| e.to_string())?;
    Ok(())
}

/// Every statement, oldest first, for vendor admins (at most `limit`).
pub async fn export(db: &Db, c: &Caller, limit: i64) -> Result<Vec<Value>, AppError> {
    if !c.vendor {
        return Err(AppError::Forbidden);
    }
    c.require(Action::Administer)?;
    let rows: Vec<String> = sqlx::query_scalar(
        "SELECT statement FROM xapi_statements ORDER BY created_at, id LIMIT $1",
    )
    .bind(limit)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|s| serde_json::from_str(&s).ok())
        .collect())
}
