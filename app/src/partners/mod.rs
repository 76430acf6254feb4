//! Partner organisations and their people: the first real feature.

pub mod api;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod people;
#[cfg(feature = "ssr")]
pub mod repo;
pub mod team_page;
#[cfg(feature = "ssr")]
pub mod validate;

use crate::domain::{OrgStatus, PartnerType, Region, Role, Tier};
use serde::{Deserialize, Serialize};

/// A row of the partner list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PartnerSummary {
    pub slug: String,
    pub name: String,
    pub types: Vec<PartnerType>,
    pub tier: Option<Tier>,
    pub region: Option<Region>,
    pub status: OrgStatus,
    pub channel_manager: Option<String>,
    pub users: i64,
    pub created_at: i64,
}

/// Filters of the partner list. Empty strings mean "any"; unknown codes are refused.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PartnerFilter {
    pub q: String,
    pub partner_type: String,
    pub tier: String,
    pub region: String,
    pub status: String,
    /// Which page, in which order.
    pub page: crate::ui::PageRequest,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrgDetail {
    pub slug: String,
    pub name: String,
    pub vendor: bool,
    pub types: Vec<PartnerType>,
    pub tier: Option<Tier>,
    pub region: Option<Region>,
    pub status: OrgStatus,
    pub channel_manager_id: Option<i64>,
    pub channel_manager: Option<String>,
    pub website: String,
    pub description: String,
    pub created_at: i64,
    pub updated_at: i64,
    /// What the caller may do here, decided by the server.
    pub can_edit: bool,
    pub can_edit_program: bool,
    pub can_manage_team: bool,
}

/// The create/edit form of a partner organisation, as typed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PartnerInput {
    pub name: String,
    pub types: Vec<String>,
    pub tier: String,
    pub region: String,
    pub status: String,
    pub channel_manager_id: String,
    pub website: String,
    pub description: String,
}

/// A person in an organisation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Member {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub role: Role,
    pub active: bool,
    pub invited: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct InviteInput {
    pub org_slug: String,
    pub email: String,
    pub name: String,
    pub role: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChannelManager {
    pub id: i64,
    pub name: String,
}
