//! Control characters are refused at the edge. Postgres cannot store a NUL in text, so one
//! in any parameter used to reach the database and answer 500 there; SQLite stored it. No
//! person types the other C0 controls either. The path, the query string and form or JSON
//! bodies are checked before any handler runs, the same way on both backends: the REST API
//! answers problem+json 400 naming the field, a server function a validation error on that
//! field (the form shows it in place), and a page 400.

use crate::api::Problem;
use app::error::AppError;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Characters no field may hold: C0 controls other than tab, line feed and carriage
/// return, DEL, and the C1 controls (U+0080 to U+009F, which `char::is_control` counts and
/// the services refuse too: mis-decoded text, never typed).
pub fn forbidden(c: char) -> bool {
    matches!(c, '\0'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{7f}'..='\u{9f}')
}

/// Where a forbidden character was found: the field's name when there is one.
#[derive(Debug, PartialEq)]
pub enum Found {
    Path,
    Field(String),
}

/// The percent-decoded path holds a control character (tab and line breaks included: a
/// path has no business with them).
fn path_has_control(path: &str) -> bool {
    let b = path.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let byte = if b[i] == b'%' && i + 2 < b.len() {
            let hex = std::str::from_utf8(&b[i + 1..i + 3]).ok();
            match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                Some(v) => {
                    i += 2;
                    v
                }
                None => b[i],
            }
        } else {
            b[i]
        };
        if byte < 0x20 || byte == 0x7f {
            return true;
        }
        i += 1;
    }
    false
}

/// The field of a form-encoded text (a query string or a form body) whose value holds a
/// forbidden character. `input[company]` is reported as `company`.
pub fn bad_form_field(text: &[u8]) -> Option<String> {
    form_urlencoded::parse(text)
        .find(|(k, v)| k.chars().any(forbidden) || v.chars().any(forbidden))
        .map(|(k, _)| field_name(&k))
}

fn field_name(key: &str) -> String {
    let key: String = key.chars().filter(|c| !forbidden(*c)).collect();
    match key.rsplit_once('[') {
        Some((_, last)) => last.trim_end_matches(']').to_string(),
        None => key,
    }
}

/// The key of a JSON body's string (or the key itself) that holds a forbidden character.
pub fn bad_json_field(body: &[u8]) -> Option<String> {
    // Control characters can only appear in JSON as escapes (or raw, which is invalid
    // JSON that the handler will refuse anyway); skip the parse when there are none.
    // A raw C1 control is the UTF-8 pair C2 80..C2 9F.
    if !body
        .windows(2)
        .any(|w| w == b"\\u" || (w[0] == 0xc2 && (0x80..=0x9f).contains(&w[1])))
        && !body.iter().any(|b| *b < 0x20 && !b"\t\n\r".contains(b))
    {
        return None;
    }
    let value: serde_json::Value = serde_json::from_slice(body).ok()?;
    fn walk(v: &serde_json::Value, key: &str) -> Option<String> {
        match v {
            serde_json::Value::String(s) if s.chars().any(forbidden) => Some(key.to_string()),
            serde_json::Value::Array(items) => items.iter().find_map(|i| walk(i, key)),
            serde_json::Value::Object(map) => map.iter().find_map(|(k, v)| {
                if k.chars().any(forbidden) {
                    Some(field_name(k))
                } else {
                    walk(v, k)
                }
            }),
            _ => None,
        }
    }
    walk(&value, "body")
}

/// Paths whose errors are RFC 9457 problems: REST API v1 and the public documents that
/// credential verifiers fetch (the status list, the issuer's DID document).
fn answers_problems(path: &str) -> bool {
    path.starts_with("/api/v1/")
        || path.starts_with("/credentials/status/")
        || path.starts_with("/issuers/")
}

fn refuse(path: &str, found: Found) -> Response {
    let field = match &found {
        Found::Path => "path".to_string(),
        Found::Field(f) => f.clone(),
    };
    if answers_problems(path) {
        let mut p = Problem::new(
            StatusCode::BAD_REQUEST,
            format!("'{field}' contains a control character (such as NUL), which is not allowed"),
        );
        if let Found::Field(f) = found {
            let mut errors = app::error::FieldErrors::new();
            errors.insert(
                f,
                vec!["This contains characters that are not allowed.".into()],
            );
            p.errors = Some(errors);
        }
        return p.into_response();
    }
    if path.starts_with("/api/") {
        // A server function: the same error its own validation would give, on the field.
        let err = match found {
            Found::Field(f) => AppError::field(&f, "err.invalid_chars"),
            Found::Path => AppError::BadRequest("the path contains a control character".into()),
        };
        let status = StatusCode::from_u16(err.status()).unwrap_or(StatusCode::BAD_REQUEST);
        let body = serde_json::to_string(&err).unwrap_or_default();
        let mut res = (status, body).into_response();
        res.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        if let Ok(v) = HeaderValue::from_str(path) {
            res.headers_mut()
                .insert(leptos::server_fn::error::SERVER_FN_ERROR_HEADER, v);
        }
        return res;
    }
    (
        StatusCode::BAD_REQUEST,
        "The request contains control characters (such as NUL), which are not allowed. Go back and remove them.",
    )
        .into_response()
}

/// The middleware. Bodies are read only for form and JSON requests, and only as far as the
/// body limit outside this layer allows; uploads (multipart) pass untouched.
pub async fn reject_control_chars(req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    // An API request without a bearer token is refused (401) before its parameters or
    // body are read, so nothing here needs to look at them; answering 401 rather than 400
    // tells the client what is actually missing.
    if path.starts_with("/api/v1/") && !req.headers().contains_key(header::AUTHORIZATION) {
        return next.run(req).await;
    }
    if path_has_control(&path) {
        return refuse(&path, Found::Path);
    }
    if let Some(field) = req.uri().query().and_then(|q| bad_form_field(q.as_bytes())) {
        return refuse(&path, Found::Field(field));
    }
    let kind = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_ascii_lowercase();
    // Only methods that carry a body have one worth reading; others (TRACE included) go on
    // to the router, which answers them.
    let has_body = matches!(
        *req.method(),
        axum::http::Method::POST | axum::http::Method::PUT | axum::http::Method::PATCH
    );
    if !has_body {
        return next.run(req).await;
    }
    let form = kind.starts_with("application/x-www-form-urlencoded");
    let json = kind.starts_with("application/json") || kind.contains("+json");
    if !form && !json {
        return next.run(req).await;
    }
    let (parts, body) = req.into_parts();
    let bytes = match axum::body::to_bytes(body, crate::MAX_BODY_BYTES).await {
        Ok(b) => b,
        Err(_) => return StatusCode::PAYLOAD_TOO_LARGE.into_response(),
    };
    let bad = if form {
        bad_form_field(&bytes)
    } else {
        bad_json_field(&bytes)
    };
    if let Some(field) = bad {
        return refuse(&path, Found::Field(field));
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_name_the_field_with_the_control_character() {
        assert_eq!(bad_form_field(b"q=acme&status="), None);
        assert_eq!(bad_form_field(b"q=line%0Abreak%09tab%0D"), None);
        assert_eq!(bad_form_field(b"q=a%00b").as_deref(), Some("q"));
        assert_eq!(
            bad_form_field(b"input%5Bcompany%5D=x%01y&input%5Bcity%5D=z").as_deref(),
            Some("company")
        );
        assert_eq!(bad_form_field(b"a%00=1").as_deref(), Some("a"));
        assert_eq!(bad_form_field(b"q=%7F").as_deref(), Some("q"));
    }

    #[test]
    fn json_names_the_key_and_ignores_escaped_backslashes() {
        assert_eq!(bad_json_field(br#"{"q":"acme"}"#), None);
        assert_eq!(bad_json_field(br#"{"q":"a\\u0000"}"#), None);
        assert_eq!(bad_json_field(br#"{"q":"tab\tand\nline"}"#), None);
        assert_eq!(
            bad_json_field(br#"{"records":[{"company":"x\u0000"}]}"#).as_deref(),
            Some("company")
        );
        assert_eq!(bad_json_field(br#"["\u0007"]"#).as_deref(), Some("body"));
        assert_eq!(bad_json_field(br#"{"q":"\u0085"}"#).as_deref(), Some("q"));
        assert_eq!(
            bad_json_field("{\"q\":\"raw \u{85} NEL\"}".as_bytes()).as_deref(),
            Some("q")
        );
        assert_eq!(bad_json_field("{\"q\":\"caf\u{e9}\"}".as_bytes()), None);
    }

    #[test]
    fn paths_with_encoded_controls_are_refused() {
        assert!(!path_has_control("/partners/acme-gmbh"));
        assert!(!path_has_control("/content/a%20b"));
        assert!(path_has_control("/partners/%00"));
        assert!(path_has_control("/partners/a%0ab"));
        assert!(!path_has_control("/partners/100%"));
        assert!(!path_has_control("/partners/%zz"));
    }
}
