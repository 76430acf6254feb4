//! A template's co-branded one-page PDF: the partner's colour band with its logo and name
//! ("in partnership with" the vendor), the template's title and text merged with the
//! partner's brand kit and region texts, and the partner's contact details at the foot.
//! Partners get their own brand (and, given one of their launches, its region texts);
//! vendor staff get the preview brand, or a chosen partner's (as in the preview).

use super::render;
use super::service::preview_brand;
use super::templates::visible_template;
use crate::auth::Caller;
use crate::error::AppError;
use crate::server::AppState;
use crate::server::pdf::{Font, Image, PAGE_H, PAGE_W, Page, rgb, wrap};
use crate::server::rest::{ApiCaller, ApiPath, Problem, query_id, session_caller};
use axum::extract::{Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Extension, Router};
use std::collections::{BTreeMap, HashMap};

const MARGIN: f32 = 56.0;
const WHITE: (f32, f32, f32) = (1.0, 1.0, 1.0);
const INK: (f32, f32, f32) = (0.1, 0.1, 0.12);
const MUTED: (f32, f32, f32) = (0.35, 0.35, 0.4);

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/campaigns/{id}/one-pager.pdf", get(page))
        .route("/api/v1/campaigns/{id}/one-pager.pdf", get(api))
}

/// The partner's uploaded logo, when it is a format the PDF can hold.
async fn logo(s: &AppState, url: &str) -> Option<Image> {
    Image::decode(&super::logo::stored(s, url).await?)
}

/// The PDF and its file name.
pub async fn build(
    s: &AppState,
    c: &Caller,
    template_id: i64,
    as_partner: &str,
    launch: Option<i64>,
) -> Result<(String, Vec<u8>), AppError> {
    let template = visible_template(&s.db, c, template_id).await?;
    if template.one_pager_title.is_empty() {
        return Err(AppError::NotFound);
    }
    // A partner slug that names no partner: nothing to render (the preview's select says
    // so at the field instead).
    let brand = preview_brand(&s.db, c, as_partner)
        .await
        .map_err(|e| match e {
            AppError::Validation(_) => AppError::NotFound,
            e => e,
        })?;
    let regions: BTreeMap<String, String> = match launch {
        None => BTreeMap::new(),
        Some(id) => {
            // The caller's own organisation's launch of this template only.
            let values: Option<String> = sqlx::query_scalar(
                "SELECT region_values FROM campaign_launches WHERE id = $1 AND org_id = $2 AND template_id = $3",
            )
            .bind(id)
            .bind(c.org_id)
            .bind(template_id)
            .fetch_optional(&s.db.pool)
            .await?;
            serde_json::from_str(&values.ok_or(AppError::NotFound)?).unwrap_or_default()
        }
    };
    let vendor: String = sqlx::query_scalar("SELECT name FROM orgs WHERE kind = 'vendor' LIMIT 1")
        .fetch_optional(&s.db.pool)
        .await?
        .unwrap_or_default();
    let editable = template.editable();
    let merge = |t: &str| render::merge_plain(t, &brand, &editable, &regions);
    let title = merge(&template.one_pager_title);
    let body = merge(&template.one_pager_body);
    let colour = if brand.primary_color.is_empty() {
        rgb("#0a4d8c")
    } else {
        rgb(&brand.primary_color)
    };
    let locale = crate::i18n::Locale::parse(&template.language).unwrap_or(crate::i18n::Locale::En);

    let mut p = Page::new(&title);
    let width = PAGE_W - 2.0 * MARGIN;
    // The band: logo on a white tile, the partner's name and the partnership.
    let band = 120.0;
    p.rect(0.0, PAGE_H - band, PAGE_W, band, colour);
    let mut text_x = MARGIN;
    if let Some(img) = logo(s, &brand.logo_url).await {
        let (box_w, box_h) = (140.0f32, 64.0f32);
        let scale = (box_w / img.width as f32).min(box_h / img.height as f32);
        let (w, h) = (img.width as f32 * scale, img.height as f32 * scale);
        let tile_y = PAGE_H - band / 2.0 - (box_h + 16.0) / 2.0;
        p.rect(MARGIN, tile_y, box_w + 16.0, box_h + 16.0, WHITE);
        p.image(
            img,
            MARGIN + 8.0 + (box_w - w) / 2.0,
            tile_y + 8.0 + (box_h - h) / 2.0,
            w,
            h,
        );
        text_x = MARGIN + box_w + 36.0;
    }
    let name_lines = wrap(
        &brand.display_name,
        Font::Bold,
        20.0,
        PAGE_W - MARGIN - text_x,
    );
    let mut y = PAGE_H - 52.0;
    for line in name_lines.iter().take(2) {
        p.text(text_x, y, Font::Bold, 20.0, WHITE, line);
        y -= 24.0;
    }
    if !vendor.is_empty() {
        let with = locale
            .text("onepager.partnership")
            .replace("{vendor}", &vendor);
        p.text(text_x, y - 2.0, Font::Regular, 11.0, WHITE, &with);
    }

    // Title and text.
    let foot = 150.0;
    let mut y = PAGE_H - band - 48.0;
    for line in wrap(&title, Font::Bold, 24.0, width) {
        p.text(MARGIN, y, Font::Bold, 24.0, INK, &line);
        y -= 30.0;
    }
    y -= 6.0;
    let mut full = false;
    'paragraphs: for para in body.split("\n\n").map(str::trim).filter(|s| !s.is_empty()) {
        for raw in para.lines().map(str::trim).filter(|l| !l.is_empty()) {
            let (bullet, text) = match raw.strip_prefix("- ") {
                Some(rest) => (true, rest),
                None => (false, raw),
            };
            let indent = if bullet { 16.0 } else { 0.0 };
            for (i, line) in wrap(text, Font::Regular, 11.5, width - indent)
                .into_iter()
                .enumerate()
            {
                if y < foot + 16.0 {
                    full = true;
                    break 'paragraphs;
                }
                if bullet && i == 0 {
                    p.text(MARGIN + 2.0, y, Font::Bold, 11.5, colour, "•");
                }
                p.text(MARGIN + indent, y, Font::Regular, 11.5, INK, &line);
                y -= 16.0;
            }
        }
        y -= 8.0;
    }
    if full {
        p.text(MARGIN, foot + 6.0, Font::Regular, 11.5, MUTED, "…");
    }

    // The partner's contact details.
    p.rect(MARGIN, foot, width, 2.0, colour);
    let mut y = foot - 22.0;
    p.text(MARGIN, y, Font::Bold, 11.0, INK, &brand.display_name);
    for line in brand.postal_address.lines().take(4) {
        y -= 14.0;
        p.text(MARGIN, y, Font::Regular, 10.0, MUTED, line.trim());
    }
    let right = MARGIN + width / 2.0;
    let mut y = foot - 22.0;
    let sender = [brand.sender_name.as_str(), brand.sender_email.as_str()]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" · ");
    for line in [
        sender.as_str(),
        brand.phone.as_str(),
        brand.website.as_str(),
    ] {
        if !line.is_empty() {
            p.text(right, y, Font::Regular, 10.0, MUTED, line);
            y -= 14.0;
        }
    }
    let slug: String = template
        .name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let slug = slug.trim_matches('-');
    let slug = if slug.is_empty() { "campaign" } else { slug };
    Ok((format!("{slug}.pdf"), p.finish()))
}

fn pdf(name: &str, bytes: Vec<u8>) -> Response {
    let disposition = format!("inline; filename=\"{name}\"");
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/pdf"),
            ),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&disposition).unwrap_or(HeaderValue::from_static("inline")),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("private, no-store"),
            ),
        ],
        bytes,
    )
        .into_response()
}

async fn answer(
    s: &AppState,
    c: &Caller,
    id: i64,
    q: &HashMap<String, String>,
) -> Result<Response, AppError> {
    let launch = query_id(q.get("launch").map(String::as_str), "launch")?;
    let as_partner = q.get("as_partner").map_or("", String::as_str);
    let (name, bytes) = build(s, c, id, as_partner, launch).await?;
    Ok(pdf(&name, bytes))
}

async fn page(
    State(s): State<AppState>,
    caller: Option<Extension<Caller>>,
    ApiPath(id): ApiPath<i64>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    match async { answer(&s, &session_caller(caller)?, id, &q).await }.await {
        Ok(r) => r,
        Err(e) => e.into_response(),
    }
}

/// The template's co-branded one-page PDF with the caller's brand kit (`launch`: the
/// region texts of one of the caller's launches; `as_partner`: vendor staff choose a
/// partner by slug).
#[utoipa::path(get, path = "/api/v1/campaigns/{id}/one-pager.pdf",
    params(("id" = i64, Path, description = "the template"),
        ("launch" = Option<i64>, Query, description = "one of the caller's launches of this template"),
        ("as_partner" = Option<String>, Query, description = "vendor staff: a partner's slug")),
    responses((status = 200, content_type = "application/pdf", description = "the PDF"), (status = 404, body = Problem, description = "no such template, or it has no one-pager, not the caller's launch, or (vendor staff) `as_partner` names no partner"), (status = 422, body = Problem, description = "`launch` is not a number")),
    security(("bearer" = [])))]
pub async fn api(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    ApiPath(id): ApiPath<i64>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, Problem> {
    Ok(answer(&s, &c, id, &q).await?)
}
