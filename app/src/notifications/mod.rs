//! In-app notifications. A timeline event on a deal that the other side should see (a
//! decision, a question, a message, an extension, an expiry) notifies the registering
//! partner user or the partner's channel manager; the bell in the header counts unread ones.

pub mod api;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod store;

use serde::{Deserialize, Serialize};

/// One notification as the recipient sees it: what happened on which deal, by whom.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Notification {
    pub id: i64,
    pub deal_id: i64,
    pub company: String,
    pub at: i64,
    pub read: bool,
    pub actor: String,
    /// The timeline event kind: `status`, `message`, `extension_requested`, …
    pub kind: String,
    pub to_status: Option<String>,
    pub body: String,
}
