//! "My open tasks": the first card of the home page, for partners and vendor staff. It asks
//! each feature for what waits on the caller, through one small public function each:
//! deal registrations awaiting my action, unread messages, and content added for me this
//! week.

pub mod api;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod service;

use serde::{Deserialize, Serialize};

/// What the caller is asked to do about a registration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DealTodo {
    /// Vendor: review and decide.
    Decide,
    /// Partner: the vendor asked a question.
    Answer,
    /// Partner: a draft of mine, not submitted yet.
    FinishDraft,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DealTask {
    pub id: i64,
    pub company: String,
    /// The registering partner (vendor staff) or empty (partners: their own).
    pub partner: String,
    pub todo: DealTodo,
    pub updated_at: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewContent {
    pub id: i64,
    pub title: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OpenTasks {
    /// The oldest waiting first, at most five; `deals_total` counts them all.
    pub deals: Vec<DealTask>,
    pub deals_total: i64,
    /// Unread messages on registrations I take part in.
    pub unread_messages: i64,
    /// Content I can see that was added in the last seven days, newest first (at most
    /// three); `new_content_total` counts them all.
    pub new_content: Vec<NewContent>,
    pub new_content_total: i64,
}

impl OpenTasks {
    pub fn is_empty(&self) -> bool {
        self.deals_total == 0 && self.unread_messages == 0 && self.new_content_total == 0
    }
}
