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
    /// Unread in-app notifications, counted up to `notifications::UNREAD_CAP`.
    pub unread: i64,
}

impl CurrentUser {
    pub fn can(&self, action: crate::policy::Action) -> bool {
        crate::policy::role_allows(self.role, action)
    }
}

/// Where to go after signing in: a path on this site, or `/`. Browsers drop tabs and line
/// breaks from URLs and read `\` as `/`, so `/<TAB>/evil.example` would become
/// `//evil.example` (another site); any control character, whitespace or backslash, and any
/// `//` at the start, sends the user home instead. Never echoes a value that cannot be a
/// `Location` header.
pub fn safe_next(next: &str) -> &str {
    let ok = next.starts_with('/')
        && !next.starts_with("//")
        && next.len() <= 2048
        && !next
            .chars()
            .any(|c| c.is_control() || c.is_whitespace() || c == '\\');
    if ok { next } else { "/" }
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

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn next_stays_on_this_site() {
        for ok in ["/", "/deals/12", "/content?q=a%20b&kind=pdf", "/a/b/"] {
            assert_eq!(safe_next(ok), ok);
        }
        for bad in [
            "",
            "deals",
            "//evil.example",
            "/\\evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r\nSet-Cookie: x=1",
            "/ /evil.example",
            "/\u{0}",
            "/\u{85}/evil.example",
            "https://evil.example",
            "/%09/evil.example\t",
        ] {
            assert_eq!(safe_next(bad), "/", "{bad:?}");
        }
        assert_eq!(safe_next(&format!("/{}", "a".repeat(3000))), "/");
    }
}
