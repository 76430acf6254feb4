//! SQL of campaigns. Templates are the vendor's; brand kits, contacts, launches, sends and
//! leads are partner data, always read and written with the partner's `org_id`.

use super::{BrandKit, Contact, RegionSpec, TemplateStatus};
use crate::error::AppError;
use crate::server::db::Db;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TemplateRow {
    pub id: i64,
    pub name: String,
    pub description: String,
    pub language: String,
    #[sqlx(try_from = "String")]
    pub status: TemplateStatus,
    pub partner_types: String,
    pub tiers: String,
    pub regions: String,
    pub regions_spec: String,
    pub landing_title: String,
    pub landing_body: String,
    pub social_posts: String,
    pub translation_of: Option<i64>,
    pub approval_required: i64,
    pub one_pager_title: String,
    pub one_pager_body: String,
    pub touches: i64,
}

impl TemplateRow {
    pub fn editable(&self) -> Vec<RegionSpec> {
        serde_json::from_str(&self.regions_spec).unwrap_or_default()
    }
}

const TEMPLATE_COLS: &str = "t.id, t.name, t.description, t.language, t.status, t.partner_types, \
     t.tiers, t.regions, t.regions_spec, t.landing_title, t.landing_body, t.social_posts, \
     t.translation_of, t.approval_required, t.one_pager_title, t.one_pager_body, \
     (SELECT COUNT(*) FROM campaign_touches ct WHERE ct.template_id = t.id) AS touches";

pub async fn templates(db: &Db) -> Result<Vec<TemplateRow>, AppError> {
    Ok(sqlx::query_as(&format!(
        "SELECT {TEMPLATE_COLS} FROM campaign_templates t ORDER BY LOWER(t.name), t.id"
    ))
    .fetch_all(&db.pool)
    .await?)
}

pub async fn template(db: &Db, id: i64) -> Result<Option<TemplateRow>, AppError> {
    Ok(sqlx::query_as(&format!(
        "SELECT {TEMPLATE_COLS} FROM campaign_templates t WHERE t.id = $1"
    ))
    .bind(id)
    .fetch_optional(&db.pool)
    .await?)
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TouchRow {
    pub position: i64,
    pub delay_days: i64,
    pub subject: String,
    pub mjml: String,
}

pub async fn touches(db: &Db, template_id: i64) -> Result<Vec<TouchRow>, AppError> {
    Ok(sqlx::query_as(
        "SELECT position, delay_days, subject, mjml FROM campaign_touches WHERE template_id = $1 ORDER BY position",
    )
    .bind(template_id)
    .fetch_all(&db.pool)
    .await?)
}

/// A template as checked, ready to store.
pub struct NewTemplate {
    pub name: String,
    pub description: String,
    pub language: String,
    pub status: TemplateStatus,
    pub partner_types: String,
    pub tiers: String,
    pub regions: String,
    pub editable: Vec<RegionSpec>,
    /// (delay in days, subject, MJML) per touch, in order.
    pub touches: Vec<(i64, String, String)>,
    pub landing_title: String,
    pub landing_body: String,
    pub social_posts: String,
    pub translation_of: Option<i64>,
    pub approval_required: bool,
    pub one_pager_title: String,
    pub one_pager_body: String,
}

async fn insert_touches(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    id: i64,
    t: &NewTemplate,
) -> Result<(), AppError> {
    for (pos, (delay, subject, mjml)) in t.touches.iter().enumerate() {
        sqlx::query(
            "INSERT INTO campaign_touches (template_id, position, delay_days, subject, mjml) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(id)
        .bind(pos as i64)
        .bind(delay)
        .bind(subject)
        .bind(mjml)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// Binds a template's fifteen stored fields, in the order both statements name them.
fn bind_template<'q>(
    q: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    t: &'q NewTemplate,
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    q.bind(&t.name)
        .bind(&t.description)
        .bind(&t.language)
        .bind(t.status.code())
        .bind(&t.partner_types)
        .bind(&t.tiers)
        .bind(&t.regions)
        .bind(serde_json::to_string(&t.editable).unwrap_or_default())
        .bind(&t.landing_title)
        .bind(&t.landing_body)
        .bind(&t.social_posts)
        .bind(t.translation_of)
        .bind(i64::from(t.approval_required))
        .bind(&t.one_pager_title)
        .bind(&t.one_pager_body)
}

pub async fn insert_template(
    db: &Db,
    t: &NewTemplate,
    user_id: i64,
    now: i64,
) -> Result<i64, AppError> {
    use sqlx::Row;
    let mut tx = db.pool.begin().await?;
    let id: i64 = bind_template(
        sqlx::query(
            "INSERT INTO campaign_templates (name, description, language, status, partner_types, tiers, \
             regions, regions_spec, landing_title, landing_body, social_posts, translation_of, \
             approval_required, one_pager_title, one_pager_body, created_by, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $17) \
             RETURNING id",
        ),
        t,
    )
    .bind(user_id)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?
    .try_get(0)?;
    insert_touches(&mut tx, id, t).await?;
    tx.commit().await?;
    Ok(id)
}

/// Replaces a template's text and its touches, in one transaction.
pub async fn update_template(db: &Db, id: i64, t: &NewTemplate, now: i64) -> Result<(), AppError> {
    let mut tx = db.pool.begin().await?;
    bind_template(
        sqlx::query(
            "UPDATE campaign_templates SET name = $1, description = $2, language = $3, status = $4, \
             partner_types = $5, tiers = $6, regions = $7, regions_spec = $8, landing_title = $9, \
             landing_body = $10, social_posts = $11, translation_of = $12, approval_required = $13, \
             one_pager_title = $14, one_pager_body = $15, updated_at = $16 WHERE id = $17",
        ),
        t,
    )
    .bind(now)
    .bind(id)
    .execute(&mut *tx)
    .await?;
    sqlx::query("DELETE FROM campaign_touches WHERE template_id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    insert_touches(&mut tx, id, t).await?;
    tx.commit().await?;
    Ok(())
}

/// Whether other templates translate this one.
pub async fn has_translations(db: &Db, id: i64) -> Result<bool, AppError> {
    let n: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM campaign_templates WHERE translation_of = $1")
            .bind(id)
            .fetch_one(&db.pool)
            .await?;
    Ok(n > 0)
}

#[derive(sqlx::FromRow)]
struct BrandRow {
    display_name: String,
    logo_url: String,
    primary_color: String,
    postal_address: String,
    phone: String,
    website: String,
    sender_name: String,
    sender_email: String,
    signature: String,
}

pub async fn brand_kit(db: &Db, org_id: i64) -> Result<Option<BrandKit>, AppError> {
    let row: Option<BrandRow> = sqlx::query_as(
        "SELECT display_name, logo_url, primary_color, postal_address, phone, website, sender_name, \
         sender_email, signature FROM brand_kits WHERE org_id = $1",
    )
    .bind(org_id)
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.map(|r| BrandKit {
        display_name: r.display_name,
        logo_url: r.logo_url,
        primary_color: r.primary_color,
        postal_address: r.postal_address,
        phone: r.phone,
        website: r.website,
        sender_name: r.sender_name,
        sender_email: r.sender_email,
        signature: r.signature,
    }))
}

pub async fn save_brand_kit(db: &Db, org_id: i64, b: &BrandKit, now: i64) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO brand_kits (org_id, display_name, logo_url, primary_color, postal_address, phone, \
         website, sender_name, sender_email, signature, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) \
         ON CONFLICT (org_id) DO UPDATE SET display_name = $2, logo_url = $3, primary_color = $4, \
         postal_address = $5, phone = $6, website = $7, sender_name = $8, sender_email = $9, \
         signature = $10, updated_at = $11",
    )
    .bind(org_id)
    .bind(&b.display_name)
    .bind(&b.logo_url)
    .bind(&b.primary_color)
    .bind(&b.postal_address)
    .bind(&b.phone)
    .bind(&b.website)
    .bind(&b.sender_name)
    .bind(&b.sender_email)
    .bind(&b.signature)
    .bind(now)
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// Puts a logo's address in an organisation's brand kit (made if it has none yet).
pub async fn set_logo(db: &Db, org_id: i64, url: &str, now: i64) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO brand_kits (org_id, logo_url, updated_at) VALUES ($1, $2, $3) \
         ON CONFLICT (org_id) DO UPDATE SET logo_url = $2, updated_at = $3",
    )
    .bind(org_id)
    .bind(url)
    .bind(now)
    .execute(&db.pool)
    .await?;
    Ok(())
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ContactRow {
    pub id: i64,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub company: String,
    pub consent: i64,
    pub consent_source: String,
    pub tags: String,
    pub unsubscribed_at: Option<i64>,
}

impl From<ContactRow> for Contact {
    fn from(r: ContactRow) -> Self {
        Contact {
            id: r.id,
            email: r.email,
            first_name: r.first_name,
            last_name: r.last_name,
            company: r.company,
            consent: r.consent == 1,
            consent_source: r.consent_source,
            tags: r
                .tags
                .split(',')
                .filter(|t| !t.is_empty())
                .map(str::to_string)
                .collect(),
            unsubscribed: r.unsubscribed_at.is_some(),
        }
    }
}

const CONTACT_COLS: &str =
    "id, email, first_name, last_name, company, consent, consent_source, tags, unsubscribed_at";

/// One organisation's contacts; `ids` narrows to those (others' ids find nothing).
pub async fn contacts(
    db: &Db,
    org_id: i64,
    ids: Option<&[i64]>,
) -> Result<Vec<ContactRow>, AppError> {
    let rows: Vec<ContactRow> = sqlx::query_as(&format!(
        "SELECT {CONTACT_COLS} FROM contacts WHERE org_id = $1 AND erased_at IS NULL ORDER BY LOWER(email) LIMIT 100000"
    ))
    .bind(org_id)
    .fetch_all(&db.pool)
    .await?;
    Ok(match ids {
        None => rows,
        Some(ids) => {
            let wanted: std::collections::HashSet<i64> = ids.iter().copied().collect();
            rows.into_iter()
                .filter(|r| wanted.contains(&r.id))
                .collect()
        }
    })
}

pub async fn contact(db: &Db, org_id: i64, id: i64) -> Result<Option<ContactRow>, AppError> {
    Ok(sqlx::query_as(&format!(
        "SELECT {CONTACT_COLS} FROM contacts WHERE org_id = $1 AND id = $2 AND erased_at IS NULL"
    ))
    .bind(org_id)
    .bind(id)
    .fetch_optional(&db.pool)
    .await?)
}

/// A checked contact.
#[derive(Debug)]
pub struct NewContact {
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub company: String,
    pub consent: bool,
    pub consent_source: String,
    pub tags: String,
}

/// Inserts a contact, or updates the one with the same address (an import run twice
/// changes nothing). Returns its id.
pub async fn upsert_contact(
    db: &Db,
    org_id: i64,
    c: &NewContact,
    now: i64,
) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar(
        "INSERT INTO contacts (org_id, email, first_name, last_name, company, consent, consent_source, \
         tags, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) \
         ON CONFLICT (org_id, email) DO UPDATE SET first_name = $3, last_name = $4, company = $5, \
         consent = $6, consent_source = $7, tags = $8, updated_at = $9 RETURNING id",
    )
    .bind(org_id)
    .bind(&c.email)
    .bind(&c.first_name)
    .bind(&c.last_name)
    .bind(&c.company)
    .bind(i64::from(c.consent))
    .bind(&c.consent_source)
    .bind(&c.tags)
    .bind(now)
    .fetch_one(&db.pool)
    .await?)
}

/// Changes a contact of `org_id`; false when it has no such contact (or it was erased).
pub async fn update_contact(
    db: &Db,
    org_id: i64,
    id: i64,
    c: &NewContact,
    now: i64,
) -> Result<bool, AppError> {
    let done = sqlx::query(
        "UPDATE contacts SET email = $1, first_name = $2, last_name = $3, company = $4, consent = $5, \
         consent_source = $6, tags = $7, updated_at = $8 WHERE id = $9 AND org_id = $10 AND erased_at IS NULL",
    )
    .bind(&c.email)
    .bind(&c.first_name)
    .bind(&c.last_name)
    .bind(&c.company)
    .bind(i64::from(c.consent))
    .bind(&c.consent_source)
    .bind(&c.tags)
    .bind(now)
    .bind(id)
    .bind(org_id)
    .execute(&db.pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Erases a contact's personal data and withdraws its consent; its queued sends are
/// skipped. False when `org_id` has no such contact.
pub async fn erase_contact(db: &Db, org_id: i64, id: i64, now: i64) -> Result<bool, AppError> {
    let mut tx = db.pool.begin().await?;
    let done = sqlx::query(
        "UPDATE contacts SET email = $1, first_name = '', last_name = '', company = '', consent = 0, \
         tags = '', erased_at = $2, updated_at = $2 WHERE id = $3 AND org_id = $4 AND erased_at IS NULL",
    )
    .bind(format!("erased-{id}@invalid"))
    .bind(now)
    .bind(id)
    .bind(org_id)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "UPDATE campaign_sends SET status = 'skipped' WHERE contact_id = $1 AND status = 'queued'",
    )
    .bind(id)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(done.rows_affected() == 1)
}

/// Addresses suppressed for an organisation (its own list and the global one).
pub async fn suppressed(db: &Db, org_id: i64) -> Result<Vec<String>, AppError> {
    Ok(
        sqlx::query_scalar("SELECT email FROM suppressions WHERE org_id = $1 OR org_id IS NULL")
            .bind(org_id)
            .fetch_all(&db.pool)
            .await?,
    )
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LeadRow {
    pub id: i64,
    pub launch_id: i64,
    pub template_id: i64,
    pub template_name: String,
    pub email: String,
    pub name: String,
    pub company: String,
    pub message: String,
    pub deal_id: Option<i64>,
    pub created_at: i64,
}

impl From<LeadRow> for super::Lead {
    fn from(r: LeadRow) -> Self {
        super::Lead {
            id: r.id,
            launch_id: r.launch_id,
            template_id: r.template_id,
            template_name: r.template_name,
            email: r.email,
            name: r.name,
            company: r.company,
            message: r.message,
            deal_id: r.deal_id,
            created_at: r.created_at,
        }
    }
}

const LEAD_SQL: &str = "SELECT l.id, l.launch_id, l.template_id, t.name AS template_name, l.email, \
     l.name, l.company, l.message, l.deal_id, l.created_at FROM leads l \
     JOIN campaign_templates t ON t.id = l.template_id";

/// An organisation's leads, newest first.
pub async fn leads(db: &Db, org_id: i64) -> Result<Vec<super::Lead>, AppError> {
    let rows: Vec<LeadRow> = sqlx::query_as(&format!(
        "{LEAD_SQL} WHERE l.org_id = $1 ORDER BY l.created_at DESC, l.id DESC LIMIT 1000"
    ))
    .bind(org_id)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows.into_iter().map(super::Lead::from).collect())
}

pub async fn lead(db: &Db, org_id: i64, id: i64) -> Result<Option<LeadRow>, AppError> {
    Ok(
        sqlx::query_as(&format!("{LEAD_SQL} WHERE l.org_id = $1 AND l.id = $2"))
            .bind(org_id)
            .bind(id)
            .fetch_optional(&db.pool)
            .await?,
    )
}

/// Links a lead to the deal it became, once; false when it already had one.
pub async fn link_lead(db: &Db, org_id: i64, id: i64, deal: i64) -> Result<bool, AppError> {
    let done = sqlx::query(
        "UPDATE leads SET deal_id = $1 WHERE id = $2 AND org_id = $3 AND deal_id IS NULL",
    )
    .bind(deal)
    .bind(id)
    .bind(org_id)
    .execute(&db.pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Records what happened to a lead, in the caller's transaction (or not).
pub async fn lead_event<'e, E>(
    exec: E,
    org_id: i64,
    lead_id: i64,
    kind: &str,
    payload: &serde_json::Value,
    now: i64,
) -> Result<(), AppError>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    sqlx::query(
        "INSERT INTO lead_events (org_id, lead_id, kind, payload, created_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(org_id)
    .bind(lead_id)
    .bind(kind)
    .bind(payload.to_string())
    .bind(now)
    .execute(exec)
    .await?;
    Ok(())
}

/// One event of a partner's leads, for integrations.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct LeadEvent {
    pub id: i64,
    pub kind: String,
    pub lead_id: i64,
    #[schema(value_type = Object)]
    pub payload: serde_json::Value,
    pub created_at: i64,
}

/// An organisation's lead events after `after`, oldest first, at most 500.
pub async fn lead_events(db: &Db, org_id: i64, after: i64) -> Result<Vec<LeadEvent>, AppError> {
    let rows: Vec<(i64, String, i64, String, i64)> = sqlx::query_as(
        "SELECT id, kind, lead_id, payload, created_at FROM lead_events \
         WHERE org_id = $1 AND id > $2 ORDER BY id LIMIT 500",
    )
    .bind(org_id)
    .bind(after)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, kind, lead_id, payload, created_at)| LeadEvent {
            id,
            kind,
            lead_id,
            payload: serde_json::from_str(&payload).unwrap_or(serde_json::Value::Null),
            created_at,
        })
        .collect())
}

/// Launches and leads since `since`, across every partner (counts only).
pub async fn activity_since(db: &Db, since: i64) -> Result<(i64, i64), AppError> {
    let launches: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM campaign_launches WHERE created_at >= $1")
            .bind(since)
            .fetch_one(&db.pool)
            .await?;
    let leads: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM leads WHERE created_at >= $1")
        .bind(since)
        .fetch_one(&db.pool)
        .await?;
    Ok((launches, leads))
}
