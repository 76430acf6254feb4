//! The public addresses of campaign mail, with no sign-in: one-click unsubscribe (RFC
//! 8058: a POST unsubscribes; a GET only shows a confirmation, since link scanners fetch
//! it), signed click tracking (a changed address answers 400, so it is never an open
//! redirect), and the partner's co-branded landing page whose form makes a lead.

use super::links;
use super::render::escape;
use super::store;
use crate::domain::Email;
use crate::i18n::Locale;
use crate::server::AppState;
use axum::Router;
use axum::extract::{Form, FromRequest, Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use serde::Deserialize;

/// Landing-form posts one address may make in `WINDOW` seconds.
pub const POSTS_PER_WINDOW: i64 = 10;
const WINDOW: i64 = 600;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/u/{token}", get(unsubscribe_page).post(unsubscribe))
        .route("/c/{send}/{sig}", get(click))
        .route("/o/{token}", get(open))
        .route("/l/{launch}", get(landing).post(submit))
}

fn page(status: StatusCode, title: &str, body: &str) -> Response {
    localized_page(Locale::En, status, title, body)
}

fn localized_page(locale: Locale, status: StatusCode, title: &str, body: &str) -> Response {
    (
        status,
        [(header::CACHE_CONTROL, HeaderValue::from_static("no-store"))],
        Html(page_html(locale, title, body)),
    )
        .into_response()
}

/// A template's landing page as `brand`'s partner would show it (a preview: its form
/// goes nowhere).
pub fn landing_preview(t: &super::store::TemplateRow, brand: &super::BrandKit) -> String {
    let row = LandingRow {
        org_id: 0,
        template_id: t.id,
        landing_title: t.landing_title.clone(),
        landing_body: t.landing_body.clone(),
        language: t.language.clone(),
    };
    page_html(
        row.locale(),
        &super::render::merge_brand(&row.landing_title, brand),
        &landing_html(0, &row, brand, "", &LeadForm::default()),
    )
}

fn page_html(locale: Locale, title: &str, body: &str) -> String {
    format!(
        "<!doctype html><html lang=\"{lang}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{t}</title>\
         <style>body{{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;line-height:1.5;color:#1a1a1a}}\
         label{{display:block;margin-top:1rem;font-weight:600}}input,textarea{{width:100%;padding:.6rem;font-size:1rem;box-sizing:border-box}}\
         button{{margin-top:1rem;padding:.7rem 1.2rem;font-size:1rem;background:#0a4d8c;color:#fff;border:0;border-radius:4px}}\
         .hp{{position:absolute;left:-10000px}}header{{padding:1rem;color:#fff}}.error{{color:#b00020}}</style></head>\
         <body><main>{body}</main></body></html>",
        t = escape(title),
        lang = locale.code(),
    )
}

fn bad_link() -> Response {
    page(
        StatusCode::BAD_REQUEST,
        "Link not valid",
        "<h1>This link is not valid</h1><p>It may have been changed or cut short.</p>",
    )
}

/// The send behind a genuine unsubscribe token: (send id, contact id, launch id, org id).
async fn send_of(s: &AppState, token: &str) -> Option<(i64, i64, i64, i64)> {
    let key = links::key(&s.db).await.ok()?;
    let send = links::unsubscribe_send(&key, token)?;
    sqlx::query_as(
        "SELECT s.id, s.contact_id, s.launch_id, l.org_id FROM campaign_sends s \
         JOIN campaign_launches l ON l.id = s.launch_id WHERE s.id = $1",
    )
    .bind(send)
    .fetch_optional(&s.db.pool)
    .await
    .ok()?
}

/// GET: a confirmation with a button; nothing changes.
async fn unsubscribe_page(State(s): State<AppState>, Path(token): Path<String>) -> Response {
    if send_of(&s, &token).await.is_none() {
        return bad_link();
    }
    page(
        StatusCode::OK,
        "Unsubscribe",
        &format!(
            "<h1>Unsubscribe</h1><p>Stop receiving these emails?</p>\
             <form method=\"post\" action=\"/u/{}\"><button type=\"submit\">Unsubscribe</button></form>",
            escape(&token)
        ),
    )
}

/// POST (the mail client's one-click, or the button): unsubscribes and suppresses the
/// address for this partner. Repeating it is harmless.
async fn unsubscribe(State(s): State<AppState>, Path(token): Path<String>) -> Response {
    let Some((send, contact, launch, org)) = send_of(&s, &token).await else {
        return bad_link();
    };
    let now = crate::server::now();
    let done = async {
        let mut tx = s.db.pool.begin().await?;
        let changed = sqlx::query(
            "UPDATE contacts SET unsubscribed_at = $1 WHERE id = $2 AND org_id = $3 AND unsubscribed_at IS NULL",
        )
        .bind(now)
        .bind(contact)
        .bind(org)
        .execute(&mut *tx)
        .await?;
        if changed.rows_affected() == 1 {
            sqlx::query(
                "INSERT INTO suppressions (org_id, email, reason, created_at) \
                 SELECT org_id, email, 'unsubscribed', $1 FROM contacts WHERE id = $2",
            )
            .bind(now)
            .bind(contact)
            .execute(&mut *tx)
            .await?;
            sqlx::query(
                "INSERT INTO campaign_events (launch_id, send_id, kind, created_at) VALUES ($1, $2, 'unsubscribe', $3)",
            )
            .bind(launch)
            .bind(send)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok::<_, sqlx::Error>(())
    };
    match done.await {
        Ok(()) => page(
            StatusCode::OK,
            "Unsubscribed",
            "<h1>You are unsubscribed</h1><p>You will not receive these emails again.</p>",
        ),
        Err(e) => crate::error::AppError::from(e).into_response(),
    }
}

#[derive(Deserialize)]
struct ClickQuery {
    u: Option<String>,
}

/// A tracked link: recorded, then redirected to its target; a changed link is 400.
async fn click(
    State(s): State<AppState>,
    Path((send, sig)): Path<(String, String)>,
    Query(q): Query<ClickQuery>,
) -> Response {
    let (Ok(send), Some(target)) = (send.parse::<i64>(), q.u) else {
        return bad_link();
    };
    let Ok(key) = links::key(&s.db).await else {
        return bad_link();
    };
    if !links::click_ok(&key, send, &target, &sig)
        || !(target.starts_with("https://") || target.starts_with("http://"))
    {
        return bad_link();
    }
    let _ = sqlx::query(
        "INSERT INTO campaign_events (launch_id, send_id, kind, created_at) \
         SELECT launch_id, id, 'click', $1 FROM campaign_sends WHERE id = $2",
    )
    .bind(crate::server::now())
    .bind(send)
    .execute(&s.db.pool)
    .await;
    Redirect::to(&target).into_response()
}

/// A transparent 1×1 GIF.
const PIXEL: &[u8] = &[
    0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x01, 0x00, 0x01, 0x00, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00,
    0xff, 0xff, 0xff, 0x21, 0xf9, 0x04, 0x01, 0x00, 0x00, 0x00, 0x00, 0x2c, 0x00, 0x00, 0x00, 0x00,
    0x01, 0x00, 0x01, 0x00, 0x00, 0x02, 0x02, 0x44, 0x01, 0x00, 0x3b,
];

/// The open-tracking image of a send whose launch counts opens: the first fetch is
/// recorded (mail clients and scanners prefetch images, so opens are a rough signal);
/// a changed token is 400.
async fn open(State(s): State<AppState>, Path(token): Path<String>) -> Response {
    let Ok(key) = links::key(&s.db).await else {
        return bad_link();
    };
    let Some(send) = links::open_send(&key, token.trim_end_matches(".gif")) else {
        return bad_link();
    };
    let _ = sqlx::query(
        "INSERT INTO campaign_events (launch_id, send_id, kind, created_at) \
         SELECT s.launch_id, s.id, 'open', $1 FROM campaign_sends s \
         JOIN campaign_launches l ON l.id = s.launch_id \
         WHERE s.id = $2 AND l.track_opens = 1 AND NOT EXISTS \
         (SELECT 1 FROM campaign_events e WHERE e.send_id = s.id AND e.kind = 'open')",
    )
    .bind(crate::server::now())
    .bind(send)
    .execute(&s.db.pool)
    .await;
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("image/gif")),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        PIXEL,
    )
        .into_response()
}

#[derive(sqlx::FromRow)]
struct LandingRow {
    org_id: i64,
    template_id: i64,
    landing_title: String,
    landing_body: String,
    language: String,
}

impl LandingRow {
    /// The page speaks the template's language.
    fn locale(&self) -> Locale {
        Locale::parse(&self.language).unwrap_or(Locale::En)
    }
}

async fn landing_of(s: &AppState, launch: &str) -> Option<(i64, LandingRow, super::BrandKit)> {
    let id: i64 = launch.parse().ok()?;
    let row: LandingRow = sqlx::query_as(
        "SELECT l.org_id, l.template_id, t.landing_title, t.landing_body, t.language FROM campaign_launches l \
         JOIN campaign_templates t ON t.id = l.template_id WHERE l.id = $1",
    )
    .bind(id)
    .fetch_optional(&s.db.pool)
    .await
    .ok()??;
    let brand = store::brand_kit(&s.db, row.org_id)
        .await
        .ok()
        .flatten()
        .unwrap_or_default();
    Some((id, row, brand))
}

fn landing_html(
    id: i64,
    row: &LandingRow,
    brand: &super::BrandKit,
    message: &str,
    values: &LeadForm,
) -> String {
    let merge = |t: &str| super::render::merge_brand(t, brand);
    let l = row.locale();
    let color = if brand.primary_color.is_empty() {
        "#0a4d8c"
    } else {
        &brand.primary_color
    };
    let field = |name: &str, value: &str, kind: &str| {
        format!(
            "<label for=\"{name}\">{}</label><input id=\"{name}\" name=\"{name}\" type=\"{kind}\" value=\"{}\" maxlength=\"200\">",
            escape(l.text(&format!("landing.{name}"))),
            escape(value)
        )
    };
    format!(
        "<header style=\"background:{}\"><strong>{}</strong></header><h1>{}</h1><div>{}</div>{}\
         <form method=\"post\" action=\"/l/{id}\">{}{}{}\
         <label for=\"message\">{}</label><textarea id=\"message\" name=\"message\" rows=\"4\" maxlength=\"2000\">{}</textarea>\
         <div class=\"hp\" aria-hidden=\"true\"><label for=\"website\">{}</label><input id=\"website\" name=\"website\" tabindex=\"-1\" autocomplete=\"off\"></div>\
         <button type=\"submit\">{}</button></form><footer><p>{} · {}</p></footer>",
        escape(color),
        escape(&brand.display_name),
        escape(&merge(&row.landing_title)),
        crate::learning::markdown::render(&merge(&row.landing_body)),
        message,
        field("name", &values.name, "text"),
        field("email", &values.email, "email"),
        field("company", &values.company, "text"),
        escape(l.text("landing.message")),
        escape(&values.message),
        escape(l.text("landing.honeypot")),
        escape(l.text("landing.send")),
        escape(&brand.display_name),
        escape(&brand.postal_address),
    )
}

/// The co-branded landing page of a launch.
async fn landing(State(s): State<AppState>, Path(launch): Path<String>) -> Response {
    let Some((id, row, brand)) = landing_of(&s, &launch).await else {
        return page(StatusCode::NOT_FOUND, "Not found", "<h1>Not found</h1>");
    };
    let _ = sqlx::query(
        "INSERT INTO campaign_events (launch_id, kind, created_at) VALUES ($1, 'visit', $2)",
    )
    .bind(id)
    .bind(crate::server::now())
    .execute(&s.db.pool)
    .await;
    localized_page(
        row.locale(),
        StatusCode::OK,
        &super::render::merge_brand(&row.landing_title, &brand),
        &landing_html(id, &row, &brand, "", &LeadForm::default()),
    )
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct LeadForm {
    pub name: String,
    pub email: String,
    pub company: String,
    pub message: String,
    /// The honeypot: people leave it empty.
    pub website: String,
}

/// The landing form: a lead owned by the launch's partner, with the campaign as source.
/// A filled honeypot is thanked and dropped; too many posts from one address are 429;
/// each bad field keeps what was typed and says what is wrong.
async fn submit(
    State(s): State<AppState>,
    Path(launch): Path<String>,
    req: axum::extract::Request,
) -> Response {
    let ip = crate::server::client_ip(&s, &req);
    let form = match Form::<LeadForm>::from_request(req, &s).await {
        Ok(Form(f)) => f,
        Err(e) => {
            return page(
                StatusCode::BAD_REQUEST,
                "Bad request",
                &escape(&e.body_text()),
            );
        }
    };
    let Some((id, row, brand)) = landing_of(&s, &launch).await else {
        return page(StatusCode::NOT_FOUND, "Not found", "<h1>Not found</h1>");
    };
    let l = row.locale();
    let thanks = || {
        localized_page(
            l,
            StatusCode::OK,
            l.text("landing.thanks"),
            &format!(
                "<h1>{}</h1><p>{}</p>",
                escape(l.text("landing.thanks")),
                escape(
                    &l.text("landing.in_touch")
                        .replace("{name}", &brand.display_name)
                )
            ),
        )
    };
    let now = crate::server::now();
    let recent: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM landing_posts WHERE ip = $1 AND at > $2")
            .bind(&ip)
            .bind(now - WINDOW)
            .fetch_one(&s.db.pool)
            .await
            .unwrap_or(i64::MAX);
    if recent >= POSTS_PER_WINDOW {
        return page(
            StatusCode::TOO_MANY_REQUESTS,
            "Too many requests",
            "<h1>Too many requests</h1><p>Please try again in a few minutes.</p>",
        );
    }
    let _ = sqlx::query("INSERT INTO landing_posts (ip, at) VALUES ($1, $2)")
        .bind(&ip)
        .bind(now)
        .execute(&s.db.pool)
        .await;
    if !form.website.is_empty() {
        return thanks();
    }
    let mut errors: Vec<&str> = Vec::new();
    let name = crate::domain::parse_required_text(&form.name, 100);
    if name.is_err() {
        errors.push(l.text("landing.err_name"));
    }
    let email = Email::parse(&form.email);
    if email.is_err() {
        errors.push(l.text("landing.err_email"));
    }
    let company = crate::domain::parse_optional_text(&form.company, 160);
    if company.is_err() {
        errors.push(l.text("landing.err_company"));
    }
    let message = crate::domain::parse_optional_text(&form.message, 2_000);
    if message.is_err() {
        errors.push(l.text("landing.err_message"));
    }
    let (Ok(name), Ok(email), Ok(company), Ok(message)) = (name, email, company, message) else {
        let list = errors
            .iter()
            .map(|e| format!("<li>{}</li>", escape(e)))
            .collect::<String>();
        return localized_page(
            l,
            StatusCode::UNPROCESSABLE_ENTITY,
            &super::render::merge_brand(&row.landing_title, &brand),
            &landing_html(
                id,
                &row,
                &brand,
                &format!("<ul class=\"error\" role=\"alert\">{list}</ul>"),
                &form,
            ),
        );
    };
    let stored = async {
        let mut tx = s.db.pool.begin().await?;
        let lead: i64 = sqlx::query_scalar(
            "INSERT INTO leads (org_id, launch_id, template_id, email, name, company, message, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(row.org_id)
        .bind(id)
        .bind(row.template_id)
        .bind(email.as_str())
        .bind(&name)
        .bind(&company)
        .bind(&message)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        store::lead_event(
            &mut *tx,
            row.org_id,
            lead,
            "lead.created",
            &serde_json::json!({
                "lead_id": lead, "launch_id": id, "template_id": row.template_id,
                "email": email.as_str(), "name": name, "company": company, "message": message,
            }),
            now,
        )
        .await?;
        sqlx::query(
            "INSERT INTO campaign_events (launch_id, kind, created_at) VALUES ($1, 'submission', $2)",
        )
        .bind(id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok::<(), crate::error::AppError>(())
    };
    match stored.await {
        Ok(()) => thanks(),
        Err(e) => e.into_response(),
    }
}
