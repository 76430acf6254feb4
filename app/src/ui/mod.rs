//! The design system: form fields with server errors, buttons with pending states, tables
//! that sort and filter and become cards on a phone, dialogs, toasts, empty states and
//! skeletons. Every feature uses these instead of writing its own.

mod feedback;
mod form;
mod table;

pub use feedback::*;
pub use form::*;
pub use table::*;
