//! The home page as a dashboard: what the signed-in person should do and how their part of
//! the programme stands, in one round trip. Which cards there are depends on the role: a
//! sales rep sees their own registrations, a partner admin their team and pipeline, a
//! channel manager the review queue and their partners' activity, a vendor admin the
//! programme at a glance. Every number links to the list it counts.

pub mod api;
pub mod pages;
pub use pages::HomePage;
#[cfg(feature = "ssr")]
pub mod service;

use crate::domain::{DealStatus, Tier};
use crate::tasks::OpenTasks;
use serde::{Deserialize, Serialize};

/// Protections ending within this many days count as "expiring soon".
pub const EXPIRING_DAYS: i64 = 30;
/// A registration waiting longer than this many days for a decision is overdue.
pub const DECISION_DUE_DAYS: i64 = 2;

/// Whose registrations a deals card counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DealsScope {
    /// The caller's own registrations (a sales rep).
    Mine,
    /// The caller's organisation's (a partner admin).
    Org,
    /// The partners the caller manages, and unassigned ones (a channel manager).
    Managed,
    /// Every partner's (a vendor admin).
    All,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StatusCount {
    pub status: DealStatus,
    pub count: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MoneyTotal {
    pub currency: String,
    pub minor: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExpiringDeal {
    pub id: i64,
    pub company: String,
    pub protected_until: i64,
}

/// Registrations by status, the open pipeline's value and protections ending soon.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DealsGlance {
    pub scope: DealsScope,
    /// Every status with at least one registration, in lifecycle order.
    pub by_status: Vec<StatusCount>,
    /// Submitted, under review, info requested and approved, per currency.
    pub open_value: Vec<MoneyTotal>,
    /// Soonest first, at most five; `expiring_total` counts them all.
    pub expiring: Vec<ExpiringDeal>,
    pub expiring_total: i64,
}

/// The review queue as a decider sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QueueGlance {
    pub submitted: i64,
    pub under_review: i64,
    pub info_requested: i64,
    /// How many whole days the longest-waiting registration in the queue has waited.
    pub oldest_wait_days: Option<i64>,
    /// In the queue for more than `DECISION_DUE_DAYS`.
    pub overdue: i64,
}

/// Something that happened on a partner's registration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Activity {
    pub deal_id: i64,
    pub company: String,
    pub partner: String,
    /// `status` or `message`.
    pub kind: String,
    pub to_status: Option<DealStatus>,
    pub actor: String,
    pub at: i64,
}

/// A partner admin's team.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TeamGlance {
    pub active: i64,
    /// Invited and not yet signed in.
    pub invited: i64,
    pub tier: Option<Tier>,
}

/// The programme as the vendor admin sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProgrammeGlance {
    /// Active partner organisations per tier (`None`: no tier yet), lowest tier first.
    pub partners_by_tier: Vec<(Option<Tier>, i64)>,
    pub partners_total: i64,
    /// Certifications currently valid (issued, not revoked, not expired).
    pub valid_credentials: i64,
    /// Campaign launches and leads in the last 30 days.
    pub launches_30d: i64,
    pub leads_30d: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Dashboard {
    pub tasks: OpenTasks,
    pub deals: Option<DealsGlance>,
    pub queue: Option<QueueGlance>,
    pub team: Option<TeamGlance>,
    /// Recent activity on partners' registrations (vendor deciders), newest first.
    pub activity: Vec<Activity>,
    pub programme: Option<ProgrammeGlance>,
    /// The caller may register deals (the prominent button).
    pub can_register: bool,
    /// The caller may launch campaigns (a link card).
    pub can_market: bool,
}
