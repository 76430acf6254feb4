//! Forms that work before the WASM arrives, and without JavaScript at all: the form posts
//! to its server function like any HTML form. When the request is such a plain form post
//! (it accepts HTML, not the server-function client's JSON), the answer is a redirect:
//! on success to where the function says (else back to the page the form was on), on
//! failure back to that page with the error and the submitted values in the query
//! (`nojs`, `nojs_err`, `nojs_v`), which the page reads to show the error at each field
//! and keep what was typed. Password fields are never sent back.

use crate::error::AppError;
use http::header::{ACCEPT, CONTENT_TYPE, LOCATION, REFERER};
use http::{HeaderValue, StatusCode};
use leptos::prelude::use_context;
use serde::Serialize;

/// Whether the current server-function request is a browser's plain form submission.
pub fn is_form_post() -> bool {
    let Some(parts) = use_context::<http::request::Parts>() else {
        return false;
    };
    let header = |name| {
        parts
            .headers
            .get(name)
            .and_then(|v: &HeaderValue| v.to_str().ok())
            .unwrap_or_default()
            .to_ascii_lowercase()
    };
    header(ACCEPT).contains("text/html")
        && header(CONTENT_TYPE).starts_with("application/x-www-form-urlencoded")
}

/// The path and query of the page the form was on, without the parameters of an earlier
/// failed post.
fn referring_page() -> String {
    let referer = use_context::<http::request::Parts>()
        .and_then(|p| p.headers.get(REFERER).cloned())
        .and_then(|v| v.to_str().ok().map(str::to_string))
        .unwrap_or_default();
    page_of(&referer)
}

/// A `Referer` as a path on this site (its host dropped, so a redirect never leaves).
fn page_of(referer: &str) -> String {
    // Keep only the path: an absolute URL's host is dropped, so this never leaves the site.
    let after_scheme = referer
        .split_once("://")
        .map(|(_, rest)| rest.find('/').map(|i| &rest[i..]).unwrap_or("/"))
        .unwrap_or(referer);
    // "//host" and "/\\host" would leave the site (browsers read a backslash as a slash).
    let page = if after_scheme.starts_with('/')
        && !after_scheme.starts_with("//")
        && !after_scheme.starts_with("/\\")
    {
        after_scheme
    } else {
        "/"
    };
    let (path, query) = page.split_once('?').unwrap_or((page, ""));
    let kept: Vec<&str> = query
        .split('&')
        .filter(|kv| {
            let k = kv.split('=').next().unwrap_or_default();
            !kv.is_empty() && !matches!(k, "nojs" | "nojs_err" | "nojs_v")
        })
        .collect();
    if kept.is_empty() {
        path.to_string()
    } else {
        format!("{path}?{}", kept.join("&"))
    }
}

fn redirect(to: &str) {
    if let Some(opts) = use_context::<leptos_axum::ResponseOptions>()
        && let Ok(v) = HeaderValue::from_str(to)
    {
        opts.insert_header(LOCATION, v);
        opts.set_status(StatusCode::SEE_OTHER);
    }
}

fn encode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// Sends a plain form post on to `to` (a path on this site).
pub fn go(to: &str) {
    redirect(to);
}

/// Sends a plain form post back to `page` (default: the page it came from) with the
/// error and the submitted `values` (as JSON) for the form of server function `endpoint`.
pub fn fail<V: Serialize>(endpoint: &str, e: &AppError, values: &V, page: Option<String>) {
    let page = page.unwrap_or_else(referring_page);
    let sep = if page.contains('?') { '&' } else { '?' };
    let err = serde_json::to_string(e).unwrap_or_default();
    let vals = serde_json::to_string(values).unwrap_or_default();
    redirect(&format!(
        "{page}{sep}nojs={}&nojs_err={}&nojs_v={}",
        encode(endpoint),
        encode(&err),
        encode(&vals)
    ));
}

/// A server function's answer: for a plain form post, success goes on to
/// `success(value)` when that names a page (else back to the form's page) and failure goes
/// back with the error and `values`; other callers get the error's status (`respond`).
pub fn respond_form<T, V: Serialize>(
    endpoint: &str,
    r: Result<T, AppError>,
    values: &V,
    success: impl FnOnce(&T) -> Option<String>,
) -> Result<T, AppError> {
    if !is_form_post() {
        return super::respond(r);
    }
    match &r {
        // Without a page of its own to go to, back to the form's page (its clean address).
        Ok(v) => go(&success(v).unwrap_or_else(referring_page)),
        Err(e) => fail(endpoint, e, values, None),
    }
    r
}

#[cfg(test)]
mod tests {
    use super::page_of;

    #[test]
    fn a_referer_becomes_a_path_on_this_site_without_old_error_parameters() {
        assert_eq!(page_of("http://127.0.0.1:3000/settings"), "/settings");
        assert_eq!(page_of("https://evil.example/deals/3?x=1"), "/deals/3?x=1");
        assert_eq!(page_of("https://h.example"), "/");
        assert_eq!(page_of(""), "/");
        assert_eq!(page_of("//evil.example/x"), "/");
        assert_eq!(page_of("javascript:alert(1)"), "/");
        assert_eq!(page_of("/\\evil.example/x"), "/");
        assert_eq!(page_of("http://h/\\evil.example"), "/");
        assert_eq!(
            page_of("http://h/deals?status=queue&nojs=x&nojs_err=%7B%7D&nojs_v=1"),
            "/deals?status=queue"
        );
        assert_eq!(page_of("http://h/deals?nojs=x"), "/deals");
    }
}
