//! The content library's rows: asset summaries as every list shows them, versions, and
//! which assets a person has marked as favourites.

use super::validate::list_of;
use super::*;
use crate::error::AppError;
use crate::server::db::Db;
use crate::server::sql::{Bind, Sql};
use sqlx::any::AnyRow;
use sqlx::{FromRow, Row};

pub(super) const SUMMARY_COLS: &str = "a.id, a.title, a.description, a.kind, a.language, a.products, a.stages, a.tags, \
     a.partner_types, a.tiers, a.regions, \
     a.published, a.expires_at, a.updated_at, a.link_url, COALESCE(v.content_type, '') AS content_type, \
     COALESCE(v.size_bytes, 0) AS size_bytes, a.current_version_id";

/// A version of an asset's file, with its uploader's name.
#[derive(FromRow)]
pub(super) struct VersionRecord {
    pub(super) id: i64,
    pub(super) version_no: i64,
    pub(super) file_name: String,
    pub(super) content_type: String,
    pub(super) size_bytes: i64,
    pub(super) created_at: i64,
    pub(super) name: String,
}

/// The columns of [`SUMMARY_COLS`].
#[derive(FromRow)]
struct SummaryRecord {
    id: i64,
    title: String,
    description: String,
    #[sqlx(try_from = "String")]
    kind: AssetKind,
    language: String,
    products: String,
    stages: String,
    tags: String,
    published: i64,
    expires_at: Option<i64>,
    updated_at: i64,
    content_type: String,
    size_bytes: i64,
    link_url: String,
}

pub(super) fn summary_of(r: &AnyRow, favorite: bool) -> Result<AssetSummary, AppError> {
    let a = SummaryRecord::from_row(r)?;
    Ok(AssetSummary {
        id: a.id,
        title: a.title,
        description: a.description,
        kind: a.kind,
        language: a.language,
        products: list_of(&a.products),
        stages: list_of(&a.stages),
        tags: list_of(&a.tags),
        published: a.published == 1,
        expires_at: a.expires_at,
        updated_at: a.updated_at,
        content_type: a.content_type,
        size_bytes: a.size_bytes,
        link_url: a.link_url,
        favorite,
        matched_in: Vec::new(),
        matched_words: Vec::new(),
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
