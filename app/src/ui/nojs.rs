//! The page side of forms that work without JavaScript (see `server::nojs`): a failed plain
//! form post comes back to its page with `nojs` (the server function's path), `nojs_err`
//! (the error) and `nojs_v` (what was submitted) in the query. The form shows that error
//! until it is submitted again, and starts from those values.

use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::use_query_map;
use serde::de::DeserializeOwned;

/// The query value `key` when the page came back from a failed post to `path`.
fn returned(path: &str, key: &str) -> Option<String> {
    use_query_map().with_untracked(|m| {
        (m.get("nojs").as_deref() == Some(path))
            .then(|| m.get(key))
            .flatten()
    })
}

/// The error a plain form post to server function `S` came back with. The address can be
/// written by anyone, so only what the page would show anyway survives: field errors of
/// plain field names with known message keys, and errors without free text.
pub fn returned_error<S: ServerFn>() -> Option<AppError> {
    returned(S::PATH, "nojs_err")
        .and_then(|s| serde_json::from_str(&s).ok())
        .map(sanitize)
}

fn sanitize(e: AppError) -> AppError {
    let plain = |f: &str| {
        !f.is_empty() && f.len() <= 40 && f.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
    };
    let known = |k: &str| crate::i18n::Locale::En.known(k).is_some();
    match e {
        AppError::Validation(fields) => {
            let kept: Vec<(String, Vec<String>)> = fields
                .into_iter()
                .filter(|(f, _)| plain(f))
                .map(|(f, msgs)| (f, msgs.into_iter().filter(|m| known(m)).collect::<Vec<_>>()))
                .filter(|(_, msgs)| !msgs.is_empty())
                .collect();
            if kept.is_empty() {
                AppError::BadRequest(String::new())
            } else {
                AppError::Validation(kept.into_iter().collect())
            }
        }
        AppError::Conflict(k) if known(&k) => AppError::Conflict(k),
        e @ (AppError::NotFound
        | AppError::Unauthorized
        | AppError::Forbidden
        | AppError::RateLimited) => e,
        // Free text (an error id, a transport message) is not taken from an address.
        _ => AppError::BadRequest(String::new()),
    }
}

#[cfg(test)]
mod tests {
    use super::sanitize;
    use crate::error::AppError;

    #[test]
    fn an_address_cannot_put_words_on_the_page() {
        let forged: AppError = serde_json::from_str(
            r#"{"Validation":{"Call 555-0100 now":["err.required"],"name":["Your account is locked","err.required"]}}"#,
        )
        .expect("json");
        let kept = serde_json::to_string(&sanitize(forged)).expect("json");
        assert_eq!(kept, r#"{"Validation":{"name":["err.required"]}}"#);
        for raw in [
            r#"{"Internal":"Call 555-0100"}"#,
            r#"{"Conflict":"Your account is locked"}"#,
            r#"{"Transport":"x"}"#,
            r#"{"Validation":{"Bad Field":["err.required"]}}"#,
        ] {
            let e: AppError = serde_json::from_str(raw).expect("json");
            assert_eq!(sanitize(e), AppError::BadRequest(String::new()), "{raw}");
        }
        assert_eq!(sanitize(AppError::NotFound), AppError::NotFound);
    }
}

/// What was submitted in a plain form post to `S` that failed.
pub fn returned_values<S: ServerFn, T: DeserializeOwned>() -> Option<T> {
    returned(S::PATH, "nojs_v").and_then(|s| serde_json::from_str(&s).ok())
}

/// A form's error: its action's latest, or before the first dispatch the error a plain
/// post came back with.
pub fn form_error<S>(action: ServerAction<S>) -> Signal<Option<AppError>>
where
    S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    let returned = returned_error::<S>();
    Signal::derive(move || match action.value().get() {
        Some(r) => r.err(),
        None => returned.clone(),
    })
}

/// Fields inside post under `prefix[name]`: the layout of a server function's struct
/// argument (`input[company]`), so a form posts straight to it.
#[derive(Clone, Copy)]
pub struct FieldPrefix(pub &'static str);

/// The name a field posts under.
pub fn posted_name(name: &str) -> String {
    match use_context::<FieldPrefix>() {
        Some(FieldPrefix(p)) => format!("{p}[{name}]"),
        None => name.to_string(),
    }
}

/// Renders `children` with their fields posting under `prefix[…]`.
#[component]
pub fn Prefixed(prefix: &'static str, children: Children) -> impl IntoView {
    provide_context(FieldPrefix(prefix));
    children()
}
