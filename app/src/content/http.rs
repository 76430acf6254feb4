//! Uploads and downloads of asset files over plain HTTP (multipart in, streams out). The
//! `trellis` server mounts these for sessions and for API tokens alike.
//!
//! An upload streams straight into object storage under a random key: the first bytes must
//! be a type we accept and agree with the file's name, the size is capped while it streams,
//! and anything that goes wrong (bad metadata, an interrupted body, a database error)
//! deletes what was written, so no orphan rows or files remain.

use super::AssetInput;
use super::files;
use super::service::{self, StoredFile};
use crate::auth::Caller;
use crate::error::AppError;
use crate::policy::Action;
use crate::server::AppState;
use crate::server::storage::Files;
use axum::body::Body;
use axum::extract::multipart::{Field, Multipart};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use futures::StreamExt;
use object_store::path::Path as ObjectPath;
use object_store::{ObjectStoreExt, WriteMultipart};
use sha2::{Digest, Sha256};

/// What a `published` part may say: a checkbox's `on`, or a boolean as text.
pub const PUBLISHED_VALUES: [&str; 7] = ["", "on", "true", "1", "off", "false", "0"];

/// The most bytes of one text field of an upload form.
const MAX_TEXT_FIELD: usize = 16 * 1024;

/// What an upload is for.
#[derive(Debug, Clone, Copy)]
pub enum Upload {
    NewAsset,
    NewVersion(i64),
}

/// The result of an upload: the asset and its version number (0 for a link).
#[derive(Debug, Clone, serde::Serialize)]
pub struct Uploaded {
    pub id: i64,
    pub version: i64,
}

/// A broken body: too large for the server's limit, or cut off.
fn body_error(e: axum::extract::multipart::MultipartError) -> AppError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        AppError::field("file", "err.file_too_large")
    } else {
        AppError::field("file", "err.upload_interrupted")
    }
}

async fn read_text(mut field: Field<'_>, name: &str) -> Result<String, AppError> {
    let mut buf = Vec::new();
    while let Some(chunk) = field.chunk().await.map_err(body_error)? {
        buf.extend_from_slice(&chunk);
        if buf.len() > MAX_TEXT_FIELD {
            return Err(AppError::field(name, "err.too_long"));
        }
    }
    String::from_utf8(buf).map_err(|_| AppError::field(name, "err.invalid_chars"))
}

fn set_field(input: &mut AssetInput, name: &str, value: String) {
    let list = |old: &mut String, v: String| {
        if old.is_empty() {
            *old = v;
        } else {
            old.push(',');
            old.push_str(&v);
        }
    };
    match name {
        "title" => input.title = value,
        "description" => input.description = value,
        "kind" => input.kind = value,
        "language" => input.language = value,
        "link_url" => input.link_url = value,
        "expires_on" => input.expires_on = value,
        "published" => input.published = matches!(value.as_str(), "on" | "true" | "1"),
        "products" => list(&mut input.products, value),
        "stages" => list(&mut input.stages, value),
        "partner_types" => list(&mut input.partner_types, value),
        "tiers" => list(&mut input.tiers, value),
        "regions" => list(&mut input.regions, value),
        "tags" => list(&mut input.tags, value),
        _ => {}
    }
}

/// Streams one file field into storage. `Ok(None)` when the form had no file chosen.
async fn store_file(
    files: &Files,
    max_bytes: u64,
    mut field: Field<'_>,
) -> Result<Option<StoredFile>, AppError> {
    let file_name = files::clean_file_name(field.file_name().unwrap_or_default());
    // Enough of the start to recognise the type.
    let mut head = Vec::new();
    while head.len() < 16 {
        match field.chunk().await.map_err(body_error)? {
            Some(c) => head.extend_from_slice(&c),
            None => break,
        }
    }
    if head.is_empty() && field.file_name().unwrap_or_default().is_empty() {
        return Ok(None);
    }
    if head.is_empty() {
        return Err(AppError::field("file", "err.file_empty"));
    }
    let kind = files::check_type(&file_name, &head).map_err(|m| AppError::field("file", m))?;
    let key = format!(
        "assets/{}",
        crate::server::security::random_token(18).replace(['-', '_'], "x")
    );
    let path = ObjectPath::from(key.as_str());
    let upload = files
        .store
        .put_multipart(&path)
        .await
        .map_err(crate::error::internal)?;
    let mut w = WriteMultipart::new(upload);
    let mut hasher = Sha256::new();
    let keep = kind.mime == "application/pdf";
    let mut kept = Vec::new();
    let mut size = 0u64;
    let mut chunk = Some(bytes::Bytes::from(head));
    let outcome: Result<(), AppError> = async {
        while let Some(c) = chunk.take() {
            size += c.len() as u64;
            if size > max_bytes {
                return Err(AppError::field("file", "err.file_too_large"));
            }
            hasher.update(&c);
            if keep {
                kept.extend_from_slice(&c);
            }
            w.wait_for_capacity(4)
                .await
                .map_err(crate::error::internal)?;
            w.write(&c);
            chunk = field.chunk().await.map_err(body_error)?;
        }
        Ok(())
    }
    .await;
    if let Err(e) = outcome {
        let _ = w.abort().await;
        return Err(e);
    }
    w.finish().await.map_err(crate::error::internal)?;
    let text = if keep {
        files::pdf_text(kept).await
    } else {
        String::new()
    };
    Ok(Some(StoredFile {
        key,
        file_name,
        content_type: kind.mime.into(),
        size: size as i64,
        sha256: hex(&hasher.finalize()),
        text,
    }))
}

/// Stores a whole file held in memory (demo data, tools): the same checks as an upload.
pub async fn store_bytes(
    files: &Files,
    file_name: &str,
    bytes: Vec<u8>,
) -> Result<StoredFile, AppError> {
    let file_name = files::clean_file_name(file_name);
    let kind = files::check_type(&file_name, &bytes).map_err(|m| AppError::field("file", m))?;
    let key = format!(
        "assets/{}",
        crate::server::security::random_token(18).replace(['-', '_'], "x")
    );
    let sha256 = hex(&Sha256::digest(&bytes));
    let size = bytes.len() as i64;
    files
        .store
        .put(&ObjectPath::from(key.as_str()), bytes.clone().into())
        .await
        .map_err(crate::error::internal)?;
    let text = if kind.mime == "application/pdf" {
        files::pdf_text(bytes).await
    } else {
        String::new()
    };
    Ok(StoredFile {
        key,
        file_name,
        content_type: kind.mime.into(),
        size,
        sha256,
        text,
    })
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Receives an upload form: metadata fields (for a new asset), then `file`.
pub async fn receive(
    state: &AppState,
    files: &Files,
    caller: &Caller,
    what: Upload,
    mut form: Multipart,
) -> Result<Uploaded, AppError> {
    caller.require(Action::ManageContent)?;
    if let Upload::NewVersion(id) = what {
        // Refuse before reading a byte when the asset does not exist.
        service::exists(&state.db, id).await?;
    }
    let mut input = AssetInput::default();
    let mut stored: Option<StoredFile> = None;
    let mut text_bytes = 0usize;
    let result: Result<Uploaded, AppError> = async {
        while let Some(field) = form.next_field().await.map_err(body_error)? {
            let name = field.name().unwrap_or_default().to_string();
            if name.chars().any(char::is_control) {
                return Err(AppError::BadRequest(
                    "a form part's name holds a control character".into(),
                ));
            }
            if name == "file" {
                if stored.is_some() {
                    return Err(AppError::field("file", "err.one_file_only"));
                }
                // Parts may come in any order (our forms send the metadata first, API
                // clients need not), so the metadata is judged once the form is read; a
                // refused upload's file is deleted below.
                stored = store_file(files, state.config.max_upload_bytes, field).await?;
            } else {
                let value = read_text(field, &name).await?;
                // Repeated fields add up; metadata never needs more than this.
                text_bytes += value.len();
                if text_bytes > 8 * MAX_TEXT_FIELD {
                    return Err(AppError::field(&name, "err.too_long"));
                }
                if name == "published" && !PUBLISHED_VALUES.contains(&value.as_str()) {
                    return Err(AppError::field("published", "err.choice_invalid"));
                }
                set_field(&mut input, &name, value);
            }
        }
        match what {
            Upload::NewAsset => {
                let valid = service::validate(&input)?;
                let id = service::create(&state.db, caller, &valid, stored.as_ref()).await?;
                Ok(Uploaded {
                    id,
                    version: i64::from(stored.is_some()),
                })
            }
            Upload::NewVersion(id) => {
                let f = stored
                    .as_ref()
                    .ok_or_else(|| AppError::field("file", "err.file_required"))?;
                let version = service::add_version(&state.db, caller, id, f).await?;
                Ok(Uploaded { id, version })
            }
        }
    }
    .await;
    if result.is_err() {
        if let Some(f) = &stored {
            files.delete(&f.key).await;
        }
        // Read what the client is still sending (the body limit bounds it), so it gets our
        // answer instead of a connection closed under it.
        while let Ok(Some(mut field)) = form.next_field().await {
            while let Ok(Some(_)) = field.chunk().await {}
        }
    }
    result
}

/// Serves a file with our headers: the type we recorded, our file name, never sniffed,
/// never cached by shared caches, and under a CSP that stops any script in it. Inline
/// only for previewable types, and then only framed by our own pages.
pub async fn serve(
    files: &Files,
    f: &service::FileRef,
    inline: bool,
    previewable: bool,
) -> Result<Response, AppError> {
    let got = files
        .store
        .get(&ObjectPath::from(f.key.as_str()))
        .await
        .map_err(|e| match e {
            object_store::Error::NotFound { .. } => AppError::NotFound,
            other => crate::error::internal(other),
        })?;
    let stream = got.into_stream().map(|r| r.map_err(std::io::Error::other));
    let inline = inline && previewable;
    let ascii: String = f
        .file_name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = f
        .file_name
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'.' | b'-' | b'_' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect();
    let disposition = format!(
        "{}; filename=\"{ascii}\"; filename*=UTF-8''{encoded}",
        if inline { "inline" } else { "attachment" }
    );
    let csp = if f.content_type == "application/pdf" {
        // Chromium's PDF viewer does not run in a sandboxed document; PDFs cannot run
        // script in our origin anyway.
        "default-src 'none'; frame-ancestors 'self'"
    } else {
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox; frame-ancestors 'self'"
    };
    let mut res = Response::new(Body::from_stream(stream));
    let h = res.headers_mut();
    let value = |s: &str| HeaderValue::from_str(s).map_err(crate::error::internal);
    h.insert(
        header::CONTENT_TYPE,
        value(files::serve_type(&f.content_type, &f.file_name))?,
    );
    h.insert(header::CONTENT_LENGTH, value(&f.size.to_string())?);
    h.insert(header::CONTENT_DISPOSITION, value(&disposition)?);
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    h.insert(header::CONTENT_SECURITY_POLICY, value(csp)?);
    h.insert(
        header::X_FRAME_OPTIONS,
        HeaderValue::from_static("SAMEORIGIN"),
    );
    *res.status_mut() = StatusCode::OK;
    Ok(res)
}

/// Whether a stored type may be shown inline.
pub fn previewable(content_type: &str) -> bool {
    matches!(
        content_type,
        "application/pdf"
            | "image/png"
            | "image/jpeg"
            | "image/gif"
            | "image/webp"
            | "image/svg+xml"
    )
}
