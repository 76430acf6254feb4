//! The content library on the server: validation, assets and their versions, visibility,
//! favourites, views and downloads, analytics, and suggestions for a deal (search is in
//! [`super::find`]).

use super::search;
use super::*;
use crate::auth::Caller;
use crate::error::AppError;
use crate::policy::Action;
use crate::policy::Actor;
use crate::server::audit::{self, AuditEvent};
use crate::server::db::Db;
use crate::server::now;
use crate::server::sql::Sql;
use sqlx::Row;
use sqlx::any::AnyRow;

pub(super) const DAY: i64 = 24 * 3600;

use super::store::{VersionRecord, favorites_among, summary_of};

pub use super::analytics::{added_since, analytics, for_deal};
pub use super::validate::{ValidAsset, validate};
use super::validate::{bind_meta, list_col, list_of};
pub use super::visibility::{Audience, audience, visible, visible_row};

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
            actor: Actor::User(caller),
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
            actor: Actor::User(caller),
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
            actor: Actor::User(caller),
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
    let versions: Vec<VersionRecord> = sqlx::query_as(
        "SELECT v.id, v.version_no, v.file_name, v.content_type, v.size_bytes, v.created_at, u.name \
         FROM asset_versions v JOIN users u ON u.id = v.created_by WHERE v.asset_id = $1 ORDER BY v.version_no DESC",
    )
    .bind(id)
    .fetch_all(&db.pool)
    .await?;
    let versions = versions
        .into_iter()
        .map(|v| VersionView {
            id: v.id,
            version_no: v.version_no,
            file_name: v.file_name,
            content_type: v.content_type,
            size_bytes: v.size_bytes,
            created_at: v.created_at,
            created_by: v.name,
            current: Some(v.id) == current,
        })
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
        can_edit: crate::policy::role_allows(caller.role, Action::ManageContent),
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
