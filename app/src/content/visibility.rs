//! Who sees which asset: vendor staff whose role reads all content see everything; a
//! partner sees published, unexpired assets aimed at its types, tier and region.

use super::store::SUMMARY_COLS;
use super::*;
use crate::auth::Caller;
use crate::error::AppError;
use crate::policy::Action;
use crate::server::db::Db;
use crate::server::now;
use crate::server::sql::{Bind, Sql};
use sqlx::Row;
use sqlx::any::AnyRow;

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
    let r = sqlx::query("SELECT partner_types, tier, region FROM orgs WHERE id = $1")
        .bind(caller.org_id)
        .fetch_one(&db.pool)
        .await?;
    let types: String = r.try_get("partner_types")?;
    Ok(Audience {
        vendor: caller.scope(Action::ViewAllContent).all(),
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

/// One visible asset's row, or `NotFound` (also for assets outside the caller's
/// visibility, so their existence is not revealed).
pub async fn visible_row(db: &Db, aud: &Audience, id: i64) -> Result<AnyRow, AppError> {
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
