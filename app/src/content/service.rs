//! The content library on the server: validation, assets and their versions, visibility,
//! favourites, views and downloads, analytics, and suggestions for a deal (search is in
//! [`super::find`]).

use super::search::{self, Bind, Sql};
use super::*;
use crate::auth::Caller;
use crate::domain::{
    Action, DealStage, PartnerType, Region, Tier, parse_date, parse_optional_text, parse_website,
};
use crate::error::{AppError, Problems};
use crate::server::audit::{self, AuditEvent};
use crate::server::db::Db;
use crate::server::now;
use sqlx::Row;
use sqlx::any::AnyRow;

const DAY: i64 = 24 * 3600;

/// Who is looking, as far as visibility goes: vendor staff see everything; a partner sees
/// published, unexpired assets aimed at one of its types, its tier and its region, read
/// from its organisation now (so a tier change applies to the next request).
#[derive(Debug, Clone)]
pub struct Audience {
    pub vendor: bool,
    pub user_id: i64,
    pub org_id: i64,
    pub types: Vec<String>,
    pub tier: Option<String>,
    pub region: Option<String>,
}

pub async fn audience(db: &Db, caller: &Caller) -> Result<Audience, AppError> {
    let r = sqlx::query("SELECT kind, partner_types, tier, region FROM orgs WHERE id = $1")
        .bind(caller.org_id)
        .fetch_one(&db.pool)
        .await?;
    let types: String = r.try_get("partner_types")?;
    Ok(Audience {
        vendor: r.try_get::<String, _>("kind")? == "vendor",
        user_id: caller.user_id,
        org_id: caller.org_id,
        types: split_list(&types),
        tier: r.try_get("tier")?,
        region: r.try_get("region")?,
    })
}

/// The condition (on `assets a`) for what the audience may see.
pub fn visible(aud: &Audience, sql: &mut Sql) -> String {
    if aud.vendor {
        return "1 = 1".into();
    }
    let t = sql.bind(Bind::I(now()));
    let mut cond = format!("a.published = 1 AND (a.expires_at IS NULL OR a.expires_at > {t})");
    let mut any_of = |col: &str, values: Vec<String>| {
        let mut alts = vec![format!("a.{col} = ''")];
        for v in values {
            alts.push(format!(
                "a.{col} LIKE {}",
                sql.bind(Bind::S(format!("%,{v},%")))
            ));
        }
        cond.push_str(&format!(" AND ({})", alts.join(" OR ")));
    };
    any_of("partner_types", aud.types.clone());
    any_of("tiers", aud.tier.clone().into_iter().collect());
    any_of("regions", aud.region.clone().into_iter().collect());
    cond
}

/// Validated metadata.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidAsset {
    pub title: String,
    pub description: String,
    pub kind: AssetKind,
    pub products: Vec<String>,
    pub stages: Vec<String>,
    pub partner_types: Vec<String>,
    pub tiers: Vec<String>,
    pub regions: Vec<String>,
    pub language: String,
    pub tags: Vec<String>,
    pub link_url: String,
    pub expires_at: Option<i64>,
    pub published: bool,
}

fn codes<T>(
    p: &mut Problems,
    field: &str,
    raw: &str,
    parse: fn(&str) -> Result<T, &'static str>,
) -> Vec<String> {
    let items = split_list(raw);
    for i in &items {
        if parse(i).is_err() {
            p.add(field, "err.choice_invalid");
            break;
        }
    }
    items.into_iter().map(|i| i.to_ascii_lowercase()).collect()
}

fn free_list(p: &mut Problems, field: &str, raw: &str) -> Vec<String> {
    let items = split_list(raw);
    if items.len() > 20 {
        p.add(field, "err.too_many");
    }
    if items
        .iter()
        .any(|i| i.chars().count() > 60 || i.chars().any(char::is_control))
    {
        p.add(field, "err.item_invalid");
    }
    items
}

/// Checks every field and reports all problems at once.
pub fn validate(input: &AssetInput) -> Result<ValidAsset, AppError> {
    let mut p = Problems::new();
    let title = input.title.trim();
    if title.is_empty() {
        p.add("title", "err.required");
    } else if title.chars().count() > 200 || title.chars().any(char::is_control) {
        p.add("title", "err.too_long");
    }
    let description = p
        .check("description", parse_optional_text(&input.description, 4000))
        .unwrap_or_default();
    let kind = p.check("kind", AssetKind::parse(&input.kind));
    let products = free_list(&mut p, "products", &input.products);
    let tags = free_list(&mut p, "tags", &input.tags);
    let stages = codes(&mut p, "stages", &input.stages, DealStage::parse);
    let partner_types = codes(
        &mut p,
        "partner_types",
        &input.partner_types,
        PartnerType::parse,
    );
    let tiers = codes(&mut p, "tiers", &input.tiers, Tier::parse);
    let regions = codes(&mut p, "regions", &input.regions, Region::parse);
    let language = input.language.trim().to_ascii_lowercase();
    let language = if language.is_empty() {
        "en".to_string()
    } else {
        language
    };
    if !LANGUAGES.contains(&language.as_str()) {
        p.add("language", "err.choice_invalid");
    }
    let link_url = p
        .check("link_url", parse_website(&input.link_url))
        .unwrap_or_default();
    let expires_at = if input.expires_on.trim().is_empty() {
        None
    } else {
        p.check("expires_on", parse_date(&input.expires_on))
            .map(|d| d.midnight().assume_utc().unix_timestamp() + DAY)
    };
    p.into_result()?;
    Ok(ValidAsset {
        title: title.split_whitespace().collect::<Vec<_>>().join(" "),
        description,
        kind: kind.ok_or_else(|| AppError::field("kind", "err.choice_invalid"))?,
        products,
        stages,
        partner_types,
        tiers,
        regions,
        language,
        tags,
        link_url,
        expires_at,
        published: input.published,
    })
}

/// Binds the metadata columns in their order: title, description, kind, products, stages,
/// partner types, tiers, regions, language, tags, link, expiry, published.
fn bind_meta<'q>(
    q: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    v: &ValidAsset,
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    q.bind(v.title.clone())
        .bind(v.description.clone())
        .bind(v.kind.code())
        .bind(list_col(&v.products))
        .bind(list_col(&v.stages))
        .bind(list_col(&v.partner_types))
        .bind(list_col(&v.tiers))
        .bind(list_col(&v.regions))
        .bind(v.language.clone())
        .bind(list_col(&v.tags))
        .bind(v.link_url.clone())
        .bind(v.expires_at)
        .bind(i64::from(v.published))
}

/// `",a,b,"`, or empty for "everyone".
fn list_col(items: &[String]) -> String {
    if items.is_empty() {
        String::new()
    } else {
        format!(",{},", items.join(","))
    }
}

fn list_of(col: &str) -> Vec<String> {
    split_list(col)
}

/// A file already written to object storage, ready to be recorded as a version.
#[derive(Debug, Clone)]
pub struct StoredFile {
    pub key: String,
    pub file_name: String,
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
    pub text: String,
}

async fn insert_version(
    conn: &mut sqlx::AnyConnection,
    caller: &Caller,
    asset_id: i64,
    f: &StoredFile,
) -> Result<(i64, i64), AppError> {
    let no: i64 = sqlx::query_scalar(
        "SELECT COALESCE(MAX(version_no), 0) + 1 FROM asset_versions WHERE asset_id = $1",
    )
    .bind(asset_id)
    .fetch_one(&mut *conn)
    .await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO asset_versions (asset_id, version_no, object_key, file_name, content_type, size_bytes, sha256, text_content, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
    )
    .bind(asset_id)
    .bind(no)
    .bind(&f.key)
    .bind(&f.file_name)
    .bind(&f.content_type)
    .bind(f.size)
    .bind(&f.sha256)
    .bind(&f.text)
    .bind(caller.user_id)
    .bind(now())
    .fetch_one(&mut *conn)
    .await?;
    Ok((id, no))
}

async fn reindex(conn: &mut sqlx::AnyConnection, db: &Db, asset_id: i64) -> Result<(), AppError> {
    let r = sqlx::query(
        "SELECT a.title, a.tags, a.description, a.products, COALESCE(v.text_content, '') AS body \
         FROM assets a LEFT JOIN asset_versions v ON v.id = a.current_version_id WHERE a.id = $1",
    )
    .bind(asset_id)
    .fetch_one(&mut *conn)
    .await?;
    let tags: String = r.try_get("tags")?;
    let products: String = r.try_get("products")?;
    search::index(
        conn,
        db.backend,
        asset_id,
        &r.try_get::<String, _>("title")?,
        &format!("{} {}", tags.replace(',', " "), products.replace(',', " ")),
        &r.try_get::<String, _>("description")?,
        &r.try_get::<String, _>("body")?,
    )
    .await
}

/// Creates an asset with its first version (or as a link), indexed for search, in one
/// transaction. The caller deletes the stored object if this fails.
pub async fn create(
    db: &Db,
    caller: &Caller,
    v: &ValidAsset,
    file: Option<&StoredFile>,
) -> Result<i64, AppError> {
    caller.require(Action::ManageContent)?;
    if file.is_none() && v.link_url.is_empty() {
        return Err(AppError::field("file", "err.file_or_link_required"));
    }
    let t = now();
    let mut tx = db.pool.begin().await?;
    let id: i64 = bind_meta(
        sqlx::query(
            "INSERT INTO assets (title, description, kind, products, stages, partner_types, tiers, regions, language, tags, link_url, expires_at, published, created_by, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15) RETURNING id",
        ),
        v,
    )
    .bind(caller.user_id)
    .bind(t)
    .fetch_one(&mut *tx)
    .await?
    .try_get(0)?;
    if let Some(f) = file {
        let (vid, _) = insert_version(&mut tx, caller, id, f).await?;
        sqlx::query("UPDATE assets SET current_version_id = $1 WHERE id = $2")
            .bind(vid)
            .bind(id)
            .execute(&mut *tx)
            .await?;
    }
    reindex(&mut tx, db, id).await?;
    audit::record(
        &mut *tx,
        AuditEvent {
            actor: Some(caller),
            actor_label: "",
            org_id: Some(caller.org_id),
            action: "content.create",
            entity_type: "asset",
            entity_id: id.to_string(),
            before: None,
            after: Some(serde_json::json!({
                "title": v.title, "kind": v.kind.code(), "published": v.published,
                "tiers": v.tiers, "partner_types": v.partner_types, "regions": v.regions,
                "file": file.map(|f| &f.file_name),
            })),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Changes an asset's metadata (targeting included) and re-indexes it.
/// Edits an asset's metadata. Who may edit is decided before the input is judged.
pub async fn update(db: &Db, caller: &Caller, id: i64, input: &AssetInput) -> Result<(), AppError> {
    caller.require(Action::ManageContent)?;
    let v = &validate(input)?;
    let before = raw(db, id).await?;
    let mut tx = db.pool.begin().await?;
    bind_meta(
        sqlx::query(
            "UPDATE assets SET title = $1, description = $2, kind = $3, products = $4, stages = $5, partner_types = $6, \
             tiers = $7, regions = $8, language = $9, tags = $10, link_url = $11, expires_at = $12, published = $13, updated_at = $14 \
             WHERE id = $15",
        ),
        v,
    )
    .bind(now())
    .bind(id)
    .execute(&mut *tx)
    .await?;
    reindex(&mut tx, db, id).await?;
    audit::record(
        &mut *tx,
        AuditEvent {
            actor: Some(caller),
            actor_label: "",
            org_id: Some(caller.org_id),
            action: "content.update",
            entity_type: "asset",
            entity_id: id.to_string(),
            before: Some(serde_json::json!({
                "title": before.try_get::<String, _>("title")?,
                "published": before.try_get::<i64, _>("published")? == 1,
                "tiers": before.try_get::<String, _>("tiers")?,
            })),
            after: Some(serde_json::json!({
                "title": v.title, "published": v.published, "tiers": list_col(&v.tiers),
            })),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// `NotFound` unless the asset exists (vendor-side checks before an upload).
pub async fn exists(db: &Db, id: i64) -> Result<(), AppError> {
    raw(db, id).await.map(|_| ())
}

async fn raw(db: &Db, id: i64) -> Result<AnyRow, AppError> {
    sqlx::query("SELECT * FROM assets WHERE id = $1")
        .bind(id)
        .fetch_optional(&db.pool)
        .await?
        .ok_or(AppError::NotFound)
}

/// Records a new version and makes it current. Partners see it at once.
pub async fn add_version(
    db: &Db,
    caller: &Caller,
    id: i64,
    f: &StoredFile,
) -> Result<i64, AppError> {
    caller.require(Action::ManageContent)?;
    raw(db, id).await?;
    let mut tx = db.pool.begin().await?;
    let (vid, no) = insert_version(&mut tx, caller, id, f).await?;
    let after = serde_json::json!({ "version": no, "file": f.file_name, "sha256": f.sha256 });
    make_current(&mut tx, db, caller, id, vid, "content.version", None, after).await?;
    tx.commit().await?;
    Ok(no)
}

/// Makes version `vid` the asset's current one, re-indexes the asset's text and audits it.
#[allow(clippy::too_many_arguments)]
async fn make_current(
    conn: &mut sqlx::AnyConnection,
    db: &Db,
    caller: &Caller,
    id: i64,
    vid: i64,
    action: &'static str,
    before: Option<serde_json::Value>,
    after: serde_json::Value,
) -> Result<(), AppError> {
    sqlx::query("UPDATE assets SET current_version_id = $1, updated_at = $2 WHERE id = $3")
        .bind(vid)
        .bind(now())
        .bind(id)
        .execute(&mut *conn)
        .await?;
    reindex(&mut *conn, db, id).await?;
    audit::record(
        &mut *conn,
        AuditEvent {
            actor: Some(caller),
            actor_label: "",
            org_id: Some(caller.org_id),
            action,
            entity_type: "asset",
            entity_id: id.to_string(),
            before,
            after: Some(after),
        },
    )
    .await?;
    Ok(())
}

/// Makes an earlier version current again (history is kept).
pub async fn restore(db: &Db, caller: &Caller, id: i64, version_no: i64) -> Result<(), AppError> {
    caller.require(Action::ManageContent)?;
    let before = raw(db, id).await?;
    let vid: i64 =
        sqlx::query_scalar("SELECT id FROM asset_versions WHERE asset_id = $1 AND version_no = $2")
            .bind(id)
            .bind(version_no)
            .fetch_optional(&db.pool)
            .await?
            .ok_or(AppError::NotFound)?;
    let mut tx = db.pool.begin().await?;
    let before = serde_json::json!({ "current_version_id": before.try_get::<Option<i64>, _>("current_version_id")? });
    let after = serde_json::json!({ "current_version_id": vid, "version": version_no });
    make_current(
        &mut tx,
        db,
        caller,
        id,
        vid,
        "content.restore",
        Some(before),
        after,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub(super) const SUMMARY_COLS: &str = "a.id, a.title, a.description, a.kind, a.language, a.products, a.stages, a.tags, \
     a.partner_types, a.tiers, a.regions, \
     a.published, a.expires_at, a.updated_at, a.link_url, COALESCE(v.content_type, '') AS content_type, \
     COALESCE(v.size_bytes, 0) AS size_bytes, a.current_version_id";

pub(super) fn summary_of(r: &AnyRow, favorite: bool) -> Result<AssetSummary, AppError> {
    let kind: String = r.try_get("kind")?;
    Ok(AssetSummary {
        id: r.try_get("id")?,
        title: r.try_get("title")?,
        description: r.try_get("description")?,
        kind: AssetKind::parse(&kind).map_err(crate::error::internal)?,
        language: r.try_get("language")?,
        products: list_of(&r.try_get::<String, _>("products")?),
        stages: list_of(&r.try_get::<String, _>("stages")?),
        tags: list_of(&r.try_get::<String, _>("tags")?),
        published: r.try_get::<i64, _>("published")? == 1,
        expires_at: r.try_get("expires_at")?,
        updated_at: r.try_get("updated_at")?,
        content_type: r.try_get("content_type")?,
        size_bytes: r.try_get("size_bytes")?,
        link_url: r.try_get("link_url")?,
        favorite,
        matched_in: Vec::new(),
        snippet: String::new(),
    })
}

pub(super) async fn favorites_among(db: &Db, user: i64, ids: &[i64]) -> Result<Vec<i64>, AppError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = Sql::default();
    let u = sql.bind(Bind::I(user));
    let ids = sql.bind_ids(ids);
    sql.push(&format!(
        "SELECT asset_id FROM asset_favorites WHERE user_id = {u} AND asset_id IN ({ids})"
    ));
    Ok(sql
        .query()
        .fetch_all(&db.pool)
        .await?
        .iter()
        .map(|r| r.try_get("asset_id"))
        .collect::<Result<_, _>>()?)
}

/// One visible asset's row, or `NotFound` (also for assets outside the caller's
/// visibility, so their existence is not revealed).
pub(super) async fn visible_row(db: &Db, aud: &Audience, id: i64) -> Result<AnyRow, AppError> {
    let mut sql = Sql::default();
    let cond = visible(aud, &mut sql);
    let p = sql.bind(Bind::I(id));
    sql.push(&format!(
        "SELECT {SUMMARY_COLS} FROM assets a LEFT JOIN asset_versions v ON v.id = a.current_version_id \
         WHERE a.id = {p} AND {cond}"
    ));
    sql.query()
        .fetch_optional(&db.pool)
        .await?
        .ok_or(AppError::NotFound)
}

async fn record_event(db: &Db, aud: &Audience, id: i64, kind: &str) -> Result<(), AppError> {
    // Analytics count partners' use; vendor staff checking their own content are not news.
    if aud.vendor {
        return Ok(());
    }
    sqlx::query("INSERT INTO asset_events (asset_id, user_id, org_id, kind, at) VALUES ($1, $2, $3, $4, $5)")
        .bind(id)
        .bind(aud.user_id)
        .bind(aud.org_id)
        .bind(kind)
        .bind(now())
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// An asset's page: metadata, versions (all for vendor staff), and a view counted.
pub async fn detail(db: &Db, caller: &Caller, id: i64) -> Result<AssetDetail, AppError> {
    let aud = audience(db, caller).await?;
    let row = visible_row(db, &aud, id).await?;
    let fav = !favorites_among(db, caller.user_id, &[id]).await?.is_empty();
    let summary = summary_of(&row, fav)?;
    let current: Option<i64> = row.try_get("current_version_id")?;
    let versions = sqlx::query(
        "SELECT v.id, v.version_no, v.file_name, v.content_type, v.size_bytes, v.created_at, u.name \
         FROM asset_versions v JOIN users u ON u.id = v.created_by WHERE v.asset_id = $1 ORDER BY v.version_no DESC",
    )
    .bind(id)
    .fetch_all(&db.pool)
    .await?
    .iter()
    .map(|r| {
        let vid: i64 = r.try_get("id")?;
        Ok(VersionView {
            id: vid,
            version_no: r.try_get("version_no")?,
            file_name: r.try_get("file_name")?,
            content_type: r.try_get("content_type")?,
            size_bytes: r.try_get("size_bytes")?,
            created_at: r.try_get("created_at")?,
            created_by: r.try_get("name")?,
            current: Some(vid) == current,
        })
    })
    .collect::<Result<Vec<_>, sqlx::Error>>()?
    .into_iter()
    .filter(|v| aud.vendor || v.current)
    .collect();
    let expires_on = summary
        .expires_at
        .and_then(|t| time::OffsetDateTime::from_unix_timestamp(t - DAY).ok())
        .map(|d| d.date().to_string())
        .unwrap_or_default();
    let input = AssetInput {
        title: summary.title.clone(),
        description: summary.description.clone(),
        kind: summary.kind.code().into(),
        products: summary.products.join(", "),
        stages: summary.stages.join(", "),
        partner_types: list_of(&row.try_get::<String, _>("partner_types")?).join(", "),
        tiers: list_of(&row.try_get::<String, _>("tiers")?).join(", "),
        regions: list_of(&row.try_get::<String, _>("regions")?).join(", "),
        language: summary.language.clone(),
        tags: summary.tags.join(", "),
        link_url: summary.link_url.clone(),
        expires_on,
        published: summary.published,
    };
    record_event(db, &aud, id, "view").await?;
    Ok(AssetDetail {
        previewable: super::http::previewable(&summary.content_type),
        summary,
        input,
        versions,
        can_edit: crate::domain::role_allows(caller.role, Action::ManageContent),
    })
}

/// What a download or preview serves.
#[derive(Debug, Clone)]
pub struct FileRef {
    pub key: String,
    pub file_name: String,
    pub content_type: String,
    pub size: i64,
}

/// The file of a visible asset: the current version, or (vendor staff only) an earlier
/// one. Counts a download unless it is an inline preview.
pub async fn file_for(
    db: &Db,
    caller: &Caller,
    id: i64,
    version_no: Option<i64>,
    download: bool,
) -> Result<FileRef, AppError> {
    let aud = audience(db, caller).await?;
    let row = visible_row(db, &aud, id).await?;
    let current: Option<i64> = row.try_get("current_version_id")?;
    let v = match version_no {
        Some(no) if aud.vendor => {
            sqlx::query("SELECT * FROM asset_versions WHERE asset_id = $1 AND version_no = $2")
                .bind(id)
                .bind(no)
                .fetch_optional(&db.pool)
                .await?
        }
        Some(_) => return Err(AppError::NotFound),
        None => match current {
            Some(vid) => {
                sqlx::query("SELECT * FROM asset_versions WHERE id = $1")
                    .bind(vid)
                    .fetch_optional(&db.pool)
                    .await?
            }
            None => None,
        },
    }
    .ok_or(AppError::NotFound)?;
    if download {
        record_event(db, &aud, id, "download").await?;
    }
    Ok(FileRef {
        key: v.try_get("object_key")?,
        file_name: v.try_get("file_name")?,
        content_type: v.try_get("content_type")?,
        size: v.try_get("size_bytes")?,
    })
}

/// The product names used by the assets the caller can see, for the product facet.
pub async fn products(db: &Db, caller: &Caller) -> Result<Vec<String>, AppError> {
    let aud = audience(db, caller).await?;
    let mut sql = Sql::default();
    let cond = visible(&aud, &mut sql);
    sql.push(&format!(
        "SELECT DISTINCT a.products FROM assets a WHERE a.products <> '' AND {cond} LIMIT 500"
    ));
    let mut out: Vec<String> = Vec::new();
    for r in sql.query().fetch_all(&db.pool).await? {
        for p in list_of(&r.try_get::<String, _>(0)?) {
            if !out.iter().any(|o| o.eq_ignore_ascii_case(&p)) {
                out.push(p);
            }
        }
    }
    out.sort_by_key(|p| p.to_lowercase());
    Ok(out)
}

/// Saves or removes a favourite (only of an asset the caller can see).
pub async fn set_favorite(db: &Db, caller: &Caller, id: i64, on: bool) -> Result<(), AppError> {
    let aud = audience(db, caller).await?;
    visible_row(db, &aud, id).await?;
    sqlx::query("DELETE FROM asset_favorites WHERE user_id = $1 AND asset_id = $2")
        .bind(caller.user_id)
        .bind(id)
        .execute(&db.pool)
        .await?;
    if on {
        sqlx::query(
            "INSERT INTO asset_favorites (user_id, asset_id, created_at) VALUES ($1, $2, $3)",
        )
        .bind(caller.user_id)
        .bind(id)
        .bind(now())
        .execute(&db.pool)
        .await?;
    }
    Ok(())
}

/// Views and downloads per asset and per partner, assets nobody opened in 90 days, and
/// searches that found nothing.
pub async fn analytics(db: &Db, caller: &Caller) -> Result<Analytics, AppError> {
    caller.require(Action::ManageContent)?;
    let bars = |rows: Vec<AnyRow>| -> Result<Vec<Bar>, AppError> {
        rows.iter()
            .map(|r| {
                Ok(Bar {
                    id: r.try_get("id")?,
                    label: r.try_get("label")?,
                    views: r.try_get("views")?,
                    downloads: r.try_get("downloads")?,
                })
            })
            .collect()
    };
    let counts = "SUM(CASE WHEN e.kind = 'view' THEN 1 ELSE 0 END) AS views, \
                  SUM(CASE WHEN e.kind = 'download' THEN 1 ELSE 0 END) AS downloads";
    let top = sqlx::query(&format!(
        "SELECT a.id AS id, a.title AS label, {counts} FROM asset_events e JOIN assets a ON a.id = e.asset_id \
         GROUP BY a.id, a.title ORDER BY COUNT(*) DESC, a.id LIMIT 10"
    ))
    .fetch_all(&db.pool)
    .await?;
    let partners = sqlx::query(&format!(
        "SELECT o.id AS id, o.name AS label, {counts} FROM asset_events e JOIN orgs o ON o.id = e.org_id \
         GROUP BY o.id, o.name ORDER BY COUNT(*) DESC, o.id LIMIT 10"
    ))
    .fetch_all(&db.pool)
    .await?;
    let unopened = sqlx::query(
        "SELECT a.id, a.title FROM assets a WHERE a.published = 1 AND a.created_at < $1 AND NOT EXISTS \
         (SELECT 1 FROM asset_events e WHERE e.asset_id = a.id AND e.at >= $1) ORDER BY a.updated_at LIMIT 50",
    )
    .bind(now() - 90 * DAY)
    .fetch_all(&db.pool)
    .await?
    .iter()
    .map(|r| Ok((r.try_get("id")?, r.try_get("title")?)))
    .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let failed = sqlx::query(
        "SELECT q, COUNT(*) AS n FROM content_searches WHERE results = 0 AND at >= $1 GROUP BY q ORDER BY n DESC, q LIMIT 20",
    )
    .bind(now() - 90 * DAY)
    .fetch_all(&db.pool)
    .await?
    .iter()
    .map(|r| Ok((r.try_get("q")?, r.try_get("n")?)))
    .collect::<Result<Vec<_>, sqlx::Error>>()?;
    Ok(Analytics {
        top_assets: bars(top)?,
        by_partner: bars(partners)?,
        unopened,
        failed_searches: failed,
    })
}

/// "For this deal": visible assets ranked by the deal's stage, its products and the
/// partner's types. A deal the caller cannot see is `NotFound`.
pub async fn for_deal(
    db: &Db,
    caller: &Caller,
    deal_id: i64,
) -> Result<Vec<AssetSummary>, AppError> {
    let deal = crate::deals::service::detail(db, caller, deal_id).await?;
    let org_types: String = sqlx::query_scalar(
        "SELECT o.partner_types FROM deals d JOIN orgs o ON o.id = d.org_id WHERE d.id = $1",
    )
    .bind(deal_id)
    .fetch_one(&db.pool)
    .await?;
    let types = split_list(&org_types);
    let deal_products = search::normalize(&deal.input.products);
    let stage = deal.input.stage.clone();
    let aud = audience(db, caller).await?;
    let mut sql = Sql::default();
    let cond = visible(&aud, &mut sql);
    sql.push(&format!(
        "SELECT {SUMMARY_COLS} FROM assets a LEFT JOIN asset_versions v ON v.id = a.current_version_id \
         WHERE a.published = 1 AND {cond} ORDER BY a.updated_at DESC LIMIT 500"
    ));
    let rows = sql.query().fetch_all(&db.pool).await?;
    let mut scored = Vec::new();
    for r in &rows {
        let s = summary_of(r, false)?;
        let mut score = 0;
        if s.stages.contains(&stage) {
            score += 3;
        }
        if s.products.iter().any(|p| {
            let n = search::normalize(p);
            !n.is_empty() && deal_products.contains(&n)
        }) {
            score += 2;
        }
        let pt: String = r.try_get("partner_types")?;
        if split_list(&pt).iter().any(|t| types.contains(t)) {
            score += 1;
        }
        if score > 0 {
            scored.push((score, s));
        }
    }
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.updated_at.cmp(&a.1.updated_at)));
    Ok(scored.into_iter().take(6).map(|(_, s)| s).collect())
}

/// Assets the caller may see that were added since `since`, newest first (at most
/// `limit`), and how many in all: the home page's "new for you this week".
pub async fn added_since(
    db: &Db,
    caller: &Caller,
    since: i64,
    limit: i64,
) -> Result<(Vec<crate::tasks::NewContent>, i64), AppError> {
    let aud = audience(db, caller).await?;
    let mut sql = Sql::default();
    let visible = visible(&aud, &mut sql);
    let since = sql.bind(Bind::I(since));
    let limit = sql.bind(Bind::I(limit));
    // One query: the newest few and, on each row, how many there are in all.
    sql.push(&format!(
        "SELECT a.id, a.title, COUNT(*) OVER () AS total FROM assets a \
         WHERE {visible} AND a.created_at >= {since} ORDER BY a.created_at DESC, a.id DESC LIMIT {limit}"
    ));
    let rows = sql.query().fetch_all(&db.pool).await?;
    let total = match rows.first() {
        Some(r) => r.try_get("total")?,
        None => 0,
    };
    let items = rows
        .iter()
        .map(|r| {
            Ok(crate::tasks::NewContent {
                id: r.try_get("id")?,
                title: r.try_get("title")?,
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    Ok((items, total))
}
