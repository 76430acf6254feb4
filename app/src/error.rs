//! The one error type of the app. It crosses the server-function boundary as JSON, so the
//! browser gets a typed error: per-field validation messages, or a safe message with an id.

use leptos::server_fn::{
    codec::JsonEncoding,
    error::{FromServerFnError, ServerFnErrorErr},
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Validation messages keyed by field name. Messages are i18n keys (see `i18n::Msg`), so the
/// browser shows them in the reader's language.
pub type FieldErrors = BTreeMap<String, Vec<String>>;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    #[error("sign-in required")]
    Unauthorized,
    #[error("forbidden")]
    Forbidden,
    #[error("invalid input")]
    Validation(FieldErrors),
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("too many attempts")]
    RateLimited,
    /// The cause is logged on the server under this id; the client sees only the id.
    #[error("internal error {0}")]
    Internal(String),
    #[error("transport: {0}")]
    Transport(String),
    /// The request itself was malformed (a forged or truncated form, a body that is not
    /// the server function's arguments): the server never ran the function.
    #[error("malformed request: {0}")]
    BadRequest(String),
}

impl AppError {
    /// A validation error for one field.
    pub fn field(field: &str, msg: &str) -> Self {
        let mut map = FieldErrors::new();
        map.insert(field.to_string(), vec![msg.to_string()]);
        AppError::Validation(map)
    }

    /// Messages for one field, when this is a validation error.
    pub fn field_messages(&self, field: &str) -> Vec<String> {
        match self {
            AppError::Validation(map) => map.get(field).cloned().unwrap_or_default(),
            _ => Vec::new(),
        }
    }

    /// The HTTP status this error maps to.
    pub fn status(&self) -> u16 {
        match self {
            AppError::NotFound => 404,
            AppError::Unauthorized => 401,
            AppError::Forbidden => 403,
            AppError::Validation(_) => 422,
            AppError::Conflict(_) => 409,
            AppError::RateLimited => 429,
            AppError::BadRequest(_) => 400,
            AppError::Internal(_) | AppError::Transport(_) => 500,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            // On the server these mean the request's arguments could not be read; in the
            // browser every failure to call the server is a transport problem.
            ServerFnErrorErr::Args(_)
            | ServerFnErrorErr::MissingArg(_)
            | ServerFnErrorErr::Deserialization(_)
                if cfg!(feature = "ssr") =>
            {
                AppError::BadRequest(value.to_string())
            }
            _ => AppError::Transport(value.to_string()),
        }
    }
}

/// Collects per-field problems while validating a form, then yields one error.
#[derive(Default, Debug)]
pub struct Problems(FieldErrors);

impl Problems {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn add(&mut self, field: &str, msg: &str) {
        self.0
            .entry(field.to_string())
            .or_default()
            .push(msg.to_string());
    }

    /// Records the error of a parse result and returns its value, if any.
    pub fn check<T>(&mut self, field: &str, r: Result<T, &'static str>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(msg) => {
                self.add(field, msg);
                None
            }
        }
    }

    pub fn into_result(self) -> Result<(), AppError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(AppError::Validation(self.0))
        }
    }
}

#[cfg(feature = "ssr")]
mod ssr {
    use super::AppError;

    /// Unique constraints a person can run into (two requests racing past a form's own
    /// check), as Postgres names them and as SQLite words them, with the field error each
    /// one means. The one place database constraints become field errors.
    const UNIQUE_FIELDS: &[(&str, &str, &str, &str)] = &[
        ("users_email_key", "users.email", "email", "err.email_taken"),
        ("orgs_slug_key", "orgs.slug", "name", "org.slug_taken"),
        (
            "contacts_org_id_email_key",
            "contacts.org_id, contacts.email",
            "email",
            "err.contact_exists",
        ),
        (
            "asset_collections_user_id_name_key",
            "asset_collections.user_id, asset_collections.name",
            "name",
            "err.collection_exists",
        ),
    ];

    /// The field error a unique violation means, if it is one people can cause.
    pub fn constraint_field(e: &sqlx::Error) -> Option<AppError> {
        let db = e.as_database_error()?;
        if !db.is_unique_violation() {
            return None;
        }
        let name = db.constraint();
        let message = db.message();
        UNIQUE_FIELDS
            .iter()
            .find(|(pg, lite, ..)| name == Some(*pg) || message.ends_with(lite))
            .map(|(_, _, field, msg)| AppError::field(field, msg))
    }

    impl From<sqlx::Error> for AppError {
        fn from(e: sqlx::Error) -> Self {
            constraint_field(&e).unwrap_or_else(|| internal(e))
        }
    }

    /// The browser's edge: server functions and the plain routes the browser calls
    /// (uploads, downloads) answer the same JSON error with its status.
    impl axum::response::IntoResponse for AppError {
        fn into_response(self) -> axum::response::Response {
            let status = http::StatusCode::from_u16(self.status())
                .unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR);
            (status, axum::Json(self)).into_response()
        }
    }

    /// Logs an internal cause under a fresh id and returns the safe error.
    pub fn internal(e: impl std::fmt::Display) -> AppError {
        let id = crate::server::security::random_token(6);
        tracing::error!(error_id = %id, error = %e, "internal error");
        AppError::Internal(id)
    }
}

#[cfg(feature = "ssr")]
pub use ssr::{constraint_field, internal};
