//! Vendor administration: the email outbox and the audit log.

pub mod api;
pub mod pages;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutboxMessage {
    pub id: i64,
    pub to: String,
    pub subject: String,
    pub body: String,
    pub status: String,
    pub created_at: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
