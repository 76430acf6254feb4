//! Identity and access: sign-in, sessions, invitations, password reset and the caller.

pub mod api;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod server;
#[cfg(feature = "ssr")]
pub mod tokens;

#[cfg(feature = "ssr")]
pub use server::{Caller, caller};

use crate::domain::Role;
use crate::i18n::Locale;
use serde::{Deserialize, Serialize};

/// Who is signed in, as the UI sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CurrentUser {
    pub name: String,
    pub email: String,
    pub role: Role,
    pub org_name: String,
    pub org_slug: String,
    pub vendor: bool,
    pub locale: Locale,
    /// Unread in-app notifications.
    pub unread: i64,
}

impl CurrentUser {
    pub fn can(&self, action: crate::domain::Action) -> bool {
        crate::domain::role_allows(self.role, action)
    }
}

/// The name of the session cookie.
pub const SESSION_COOKIE: &str = "trellis_session";
/// The name of the cookie that remembers a signed-out visitor's language choice.
pub const LOCALE_COOKIE: &str = "trellis_locale";

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct AcceptInviteInput {
    pub token: String,
    pub name: String,
    pub password: String,
    pub password_confirm: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ResetPasswordInput {
    pub token: String,
    pub password: String,
    pub password_confirm: String,
}

/// An API token as its owner sees it; the secret itself is shown once, at creation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TokenView {
    pub id: i64,
    pub name: String,
    pub prefix: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
    pub revoked: bool,
}
