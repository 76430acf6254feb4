//! What the vendor learns from the library (views, downloads, unopened assets, failed
//! searches) and what it suggests: content for a deal, content new this week.

use super::search;
use super::service::DAY;
use super::split_list;
use super::store::{SUMMARY_COLS, summary_of};
use super::visibility::{audience, visible};
use super::*;
use crate::auth::Caller;
use crate::error::AppError;
use crate::policy::Action;
use crate::server::db::Db;
use crate::server::now;
use crate::server::sql::{Bind, Sql};
use sqlx::Row;
use sqlx::any::AnyRow;

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
    let deal = crate::deals::service::context(db, caller, deal_id).await?;
    let types = split_list(&deal.partner_types);
    let deal_products = search::normalize(&deal.products);
    let stage = deal.stage;
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
