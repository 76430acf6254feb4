//! A partner's logo for its brand kit: uploaded (from the brand kit screen or the REST API),
//! accepted only when its first bytes say PNG, JPEG, GIF or WebP (never SVG, which can
//! carry scripts) and its size in pixels is within limits, stored under its content hash
//! in object storage, and served publicly (emails load it) with a long cache.

use super::store;
use crate::auth::Caller;
use crate::error::AppError;
use crate::policy::Action;
use crate::server::AppState;
use crate::server::rest::{ApiCaller, Problem, session_caller};
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Json, Router};
use object_store::ObjectStoreExt;
use object_store::path::Path as ObjectPath;
use sha2::{Digest, Sha256};

/// The largest logo file, in bytes.
pub const MAX_BYTES: usize = 512 * 1024;
/// The largest and smallest logo, in pixels a side.
pub const MAX_SIDE: u32 = 2_000;
pub const MIN_SIDE: u32 = 16;

/// An image format a logo may have: (MIME type, file extension).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Image {
    pub mime: &'static str,
    pub ext: &'static str,
    pub width: u32,
    pub height: u32,
}

fn be16(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from(u16::from_be_bytes([
        *b.get(at)?,
        *b.get(at + 1)?,
    ])))
}

fn le16(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from(u16::from_le_bytes([
        *b.get(at)?,
        *b.get(at + 1)?,
    ])))
}

fn le24(b: &[u8], at: usize) -> Option<u32> {
    Some(
        u32::from(*b.get(at)?) | u32::from(*b.get(at + 1)?) << 8 | u32::from(*b.get(at + 2)?) << 16,
    )
}

/// The format and size of an image from its bytes (its name and declared type are not
/// trusted); `None` when it is not a PNG, JPEG, GIF or WebP we can read.
pub fn inspect(b: &[u8]) -> Option<Image> {
    let image = |mime, ext, width, height| Image {
        mime,
        ext,
        width,
        height,
    };
    if b.starts_with(b"\x89PNG\r\n\x1a\n") && b.get(12..16) == Some(b"IHDR") {
        let w = u32::from_be_bytes(b.get(16..20)?.try_into().ok()?);
        let h = u32::from_be_bytes(b.get(20..24)?.try_into().ok()?);
        return Some(image("image/png", "png", w, h));
    }
    if b.starts_with(b"GIF87a") || b.starts_with(b"GIF89a") {
        return Some(image("image/gif", "gif", le16(b, 6)?, le16(b, 8)?));
    }
    if b.starts_with(b"RIFF") && b.get(8..12) == Some(b"WEBP") {
        let (w, h) = match b.get(12..16)? {
            b"VP8 " => (le16(b, 26)? & 0x3fff, le16(b, 28)? & 0x3fff),
            b"VP8L" => {
                let bits = u32::from_le_bytes(b.get(21..25)?.try_into().ok()?);
                ((bits & 0x3fff) + 1, ((bits >> 14) & 0x3fff) + 1)
            }
            b"VP8X" => (le24(b, 24)? + 1, le24(b, 27)? + 1),
            _ => return None,
        };
        return Some(image("image/webp", "webp", w, h));
    }
    if b.starts_with(&[0xff, 0xd8, 0xff]) {
        // Walk the segments to the first start-of-frame marker, which holds the size.
        let mut at = 2;
        while at + 9 < b.len() {
            if b[at] != 0xff {
                return None;
            }
            let marker = b[at + 1];
            if marker == 0xff {
                at += 1;
                continue;
            }
            let len = be16(b, at + 2)? as usize;
            let sof = matches!(marker, 0xc0..=0xcf) && !matches!(marker, 0xc4 | 0xc8 | 0xcc);
            if sof {
                return Some(image(
                    "image/jpeg",
                    "jpg",
                    be16(b, at + 7)?,
                    be16(b, at + 5)?,
                ));
            }
            at += 2 + len;
        }
        return None;
    }
    None
}

/// Checks a logo's bytes: an image we accept, within the limits.
pub fn check(bytes: &[u8]) -> Result<Image, AppError> {
    if bytes.is_empty() {
        return Err(AppError::field("logo", "err.file_empty"));
    }
    if bytes.len() > MAX_BYTES {
        return Err(AppError::field("logo", "err.logo_too_large"));
    }
    let img = inspect(bytes).ok_or_else(|| AppError::field("logo", "err.logo_type"))?;
    if img.width > MAX_SIDE
        || img.height > MAX_SIDE
        || img.width < MIN_SIDE
        || img.height < MIN_SIDE
    {
        return Err(AppError::field("logo", "err.logo_dimensions"));
    }
    Ok(img)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Reads the `logo` part of a form, at most `MAX_BYTES` of it.
async fn read_logo(mut form: Multipart) -> Result<Vec<u8>, AppError> {
    let bad = |e: axum::extract::multipart::MultipartError| AppError::BadRequest(e.body_text());
    while let Some(mut field) = form.next_field().await.map_err(bad)? {
        if field.name() != Some("logo") {
            continue;
        }
        let mut bytes = Vec::new();
        while let Some(chunk) = field.chunk().await.map_err(bad)? {
            if bytes.len() + chunk.len() > MAX_BYTES {
                return Err(AppError::field("logo", "err.logo_too_large"));
            }
            bytes.extend_from_slice(&chunk);
        }
        return Ok(bytes);
    }
    Err(AppError::field("logo", "err.required"))
}

/// Where an organisation's logo file lives in object storage.
fn key(org: impl std::fmt::Display, file: &str) -> ObjectPath {
    ObjectPath::from(format!("brand/{org}/{file}"))
}

/// The bytes of a logo uploaded to this deployment, by its public address (an address
/// elsewhere is never fetched).
pub async fn stored(s: &AppState, url: &str) -> Option<Vec<u8>> {
    let rest = url.strip_prefix(&format!("{}/b/", s.config.public_url))?;
    let (org, file) = rest.split_once('/')?;
    if !org.bytes().all(|b| b.is_ascii_digit()) || file.contains('/') || file.contains("..") {
        return None;
    }
    let got = s.files.store.get(&key(org, file)).await.ok()?;
    Some(got.bytes().await.ok()?.to_vec())
}

/// Stores the caller's organisation's logo and puts its address in the brand kit.
/// Returns the address.
pub async fn upload(s: &AppState, c: &Caller, form: Multipart) -> Result<String, AppError> {
    let bytes = read_logo(form).await?;
    let img = check(&bytes)?;
    let name = format!("{}.{}", hex(&Sha256::digest(&bytes)), img.ext);
    s.files
        .store
        .put(&key(c.org_id, &name), bytes.into())
        .await
        .map_err(crate::error::internal)?;
    let url = format!("{}/b/{}/{name}", s.config.public_url, c.org_id);
    store::set_logo(&s.db, c.org_id, &url, crate::server::now()).await?;
    Ok(url)
}

/// The caller may change the brand kit: decided before the body is read.
fn form_for(
    c: &Caller,
    form: Result<Multipart, MultipartRejection>,
) -> Result<Multipart, AppError> {
    c.require(Action::LaunchCampaigns)?;
    form.map_err(|e| AppError::BadRequest(e.body_text()))
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct Logo {
    pub logo_url: String,
}

async fn upload_page(
    State(s): State<AppState>,
    caller: Option<Extension<Caller>>,
    form: Result<Multipart, MultipartRejection>,
) -> Response {
    match async {
        let c = session_caller(caller)?;
        upload(&s, &c, form_for(&c, form)?).await
    }
    .await
    {
        Ok(logo_url) => (StatusCode::CREATED, Json(Logo { logo_url })).into_response(),
        Err(e) => e.into_response(),
    }
}

/// Uploads the caller's organisation's logo (multipart field `logo`: PNG, JPEG, GIF or
/// WebP, at most 512 KB and 2,000 pixels a side) and sets it in the brand kit.
#[utoipa::path(post, path = "/api/v1/brand-kit/logo",
    request_body(content_type = "multipart/form-data", content = Object),
    responses((status = 201, body = Logo, description = "the logo's public address, now in the brand kit")),
    security(("bearer" = [])))]
pub async fn api_upload(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    form: Result<Multipart, MultipartRejection>,
) -> Result<(StatusCode, Json<Logo>), Problem> {
    let form = form_for(&c, form)?;
    let logo_url = upload(&s, &c, form).await?;
    Ok((StatusCode::CREATED, Json(Logo { logo_url })))
}

/// A stored logo, to anyone (emails load it): its name is its content hash, so it never
/// changes and may be cached for a year.
async fn serve(State(s): State<AppState>, Path((org, file)): Path<(i64, String)>) -> Response {
    let Some((hash, ext)) = file.split_once('.') else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let mime = match ext {
        "png" => "image/png",
        "jpg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        _ => return StatusCode::NOT_FOUND.into_response(),
    };
    if hash.len() != 64 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
        return StatusCode::NOT_FOUND.into_response();
    }
    match s.files.store.get(&key(org, &file)).await {
        Ok(got) => match got.bytes().await {
            Ok(bytes) => (
                [
                    (header::CONTENT_TYPE, HeaderValue::from_static(mime)),
                    (
                        header::CACHE_CONTROL,
                        HeaderValue::from_static("public, max-age=31536000, immutable"),
                    ),
                    (
                        header::CONTENT_SECURITY_POLICY,
                        HeaderValue::from_static("default-src 'none'"),
                    ),
                ],
                bytes,
            )
                .into_response(),
            Err(e) => crate::error::internal(e).into_response(),
        },
        Err(object_store::Error::NotFound { .. }) => StatusCode::NOT_FOUND.into_response(),
        Err(e) => crate::error::internal(e).into_response(),
    }
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/campaigns/brand/logo", post(upload_page))
        .route("/api/v1/brand-kit/logo", post(api_upload))
        .route("/b/{org}/{file}", get(serve))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// A PNG header of the given size (enough for the checks, not a whole image).
    fn png(w: u32, h: u32) -> Vec<u8> {
        let mut b = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
        b.extend_from_slice(&w.to_be_bytes());
        b.extend_from_slice(&h.to_be_bytes());
        b.extend_from_slice(&[8, 6, 0, 0, 0]);
        b
    }

    #[test]
    fn formats_and_sizes_come_from_the_bytes() {
        assert_eq!(
            inspect(&png(120, 40)).map(|i| (i.mime, i.width, i.height)),
            Some(("image/png", 120, 40))
        );
        let gif = b"GIF89a\x40\x01\x20\x00\x80\x00\x00";
        assert_eq!(
            inspect(gif).map(|i| (i.ext, i.width, i.height)),
            Some(("gif", 320, 32))
        );
        // JPEG: SOI, an APP0 segment, then SOF0 with height 50 and width 200.
        let mut jpg = vec![0xff, 0xd8, 0xff, 0xe0, 0x00, 0x04, 0x00, 0x00];
        jpg.extend_from_slice(&[
            0xff, 0xc0, 0x00, 0x11, 0x08, 0x00, 50, 0x00, 200, 0x03, 0, 0, 0,
        ]);
        assert_eq!(
            inspect(&jpg).map(|i| (i.mime, i.width, i.height)),
            Some(("image/jpeg", 200, 50))
        );
        // WebP lossless: 100 × 60.
        let bits: u32 = 99 | (59 << 14);
        let mut webp = b"RIFF\0\0\0\0WEBPVP8L\0\0\0\0\x2f".to_vec();
        webp.extend_from_slice(&bits.to_le_bytes());
        assert_eq!(
            inspect(&webp).map(|i| (i.ext, i.width, i.height)),
            Some(("webp", 100, 60))
        );
        // SVG, HTML and a PNG name on text are not images we take.
        assert_eq!(
            inspect(b"<svg xmlns='http://www.w3.org/2000/svg'><script/></svg>"),
            None
        );
        assert_eq!(inspect(b"<html>"), None);
        assert_eq!(inspect(b"\x89PNG\r\n"), None);
    }

    #[test]
    fn limits_are_field_errors() {
        let key = |r: Result<Image, AppError>| match r {
            Err(AppError::Validation(m)) => m["logo"][0].clone(),
            other => panic!("{other:?}"),
        };
        assert!(check(&png(400, 100)).is_ok());
        assert_eq!(key(check(&png(4_000, 100))), "err.logo_dimensions");
        assert_eq!(key(check(&png(8, 8))), "err.logo_dimensions");
        assert_eq!(key(check(b"GIF")), "err.logo_type");
        assert_eq!(key(check(&[])), "err.file_empty");
        let mut big = png(100, 100);
        big.resize(MAX_BYTES + 1, 0);
        assert_eq!(key(check(&big)), "err.logo_too_large");
    }
}
