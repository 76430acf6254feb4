//! In-app notifications, about a subject named by type and id. A timeline event on a deal
//! that the other side should see (a decision, a question, a message, an extension, an
//! expiry) notifies the registering partner user or the partner's channel manager; other
//! features (learning, campaigns, MDF) notify through `store::notify` with their own
//! subject type, text and link. The bell in the header counts unread ones.

pub mod api;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod store;

use serde::{Deserialize, Serialize};

/// The unread count stops here; the badge then reads "99+".
pub const UNREAD_CAP: i64 = 100;

/// The badge text for an unread count.
pub fn unread_badge(count: i64) -> String {
    if count >= UNREAD_CAP {
        format!("{}+", UNREAD_CAP - 1)
    } else {
        count.to_string()
    }
}

/// The subject type of deal registrations.
pub const DEAL: &str = "deal";

/// One notification as the recipient sees it: what happened to which subject, by whom.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Notification {
    pub id: i64,
    /// `deal`, or another feature's subject type.
    pub subject_type: String,
    pub subject_id: i64,
    /// The subject's name: a deal's company, or the title its feature gave.
    pub title: String,
    /// Where it leads.
    pub link: String,
    pub at: i64,
    pub read: bool,
    pub actor: String,
    /// For deals, the timeline event kind (`status`, `message`, `extension_requested`, …);
    /// for other subjects an i18n key saying what happened.
    pub kind: String,
    pub to_status: Option<String>,
    pub body: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_badge_stops_below_the_cap() {
        assert_eq!(unread_badge(0), "0");
        assert_eq!(unread_badge(UNREAD_CAP - 1), "99");
        assert_eq!(unread_badge(UNREAD_CAP), "99+");
    }
}
