//! The design system: form fields with server errors, buttons with pending states, tables
//! that sort and filter and become cards on a phone, dialogs, toasts, empty states and
//! skeletons, bar charts. Every feature uses these instead of writing its own.

mod chart;
mod feedback;
mod form;
mod html;
mod nojs;
mod paging;
mod table;

pub use chart::*;
pub use feedback::*;
pub use form::*;
pub use html::{Html, escape};
pub use nojs::*;
pub use paging::*;
pub use table::*;

/// The route's `:id` as a number (0 when it is not one, which no record has), read
/// reactively so that moving between records reloads.
pub fn route_id() -> impl Fn() -> i64 + Copy + Send + Sync + 'static {
    use leptos::prelude::Read;
    let params = leptos_router::hooks::use_params_map();
    move || {
        params
            .read()
            .get("id")
            .and_then(|v| v.parse::<i64>().ok())
            .unwrap_or(0)
    }
}
