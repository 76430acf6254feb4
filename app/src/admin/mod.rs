//! Vendor administration: the email outbox, the audit log and the job queue.

pub mod api;
pub mod jobs_page;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod store;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct OutboxMessage {
    pub id: i64,
    pub to: String,
    pub subject: String,
    pub body: String,
    /// The HTML part, when the message has one (campaign mail).
    pub html: Option<String>,
    pub status: String,
    pub created_at: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct AuditEntry {
    pub id: i64,
    pub at: i64,
    pub actor: String,
    pub action: String,
    pub entity_type: String,
    pub entity_id: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct AuditFilter {
    /// Matches the start of the action, e.g. `org.` or `user.invite`.
    pub action: String,
    /// Matches part of the actor's email.
    pub actor: String,
    pub entity_type: String,
}

/// A background job, as vendor admins see it (a row of `server::jobs::list`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct JobView {
    pub id: i64,
    pub kind: String,
    /// `queued`, `running`, `failed` (queued again after an error), `dead` or `done`.
    pub state: String,
    pub attempts: i64,
    pub max_attempts: i64,
    pub run_at: i64,
    pub last_error: Option<String>,
    pub progress_done: i64,
    pub progress_total: i64,
    pub updated_at: i64,
}

/// The queue at a glance: how many jobs per state, and the newest that are not done.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobsOverview {
    pub counts: Vec<(String, i64)>,
    pub jobs: Vec<JobView>,
}
