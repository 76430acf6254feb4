//! Data access for organisations (their people: `people.rs`). Every function takes the `Caller` and
//! scopes its SQL by it: an organisation the caller may not see is `NotFound`, exactly like
//! one that does not exist, so ids and slugs reveal nothing.

use super::*;
use crate::auth::Caller;
use crate::domain::{Slug, parse_optional_text, parse_org_name, parse_website};
use crate::error::{AppError, Problems};
use crate::policy::{Action, Actor, OrgAction, Owner, Scope};
use crate::server::audit::{self, AuditEvent, snapshot};
use crate::server::db::Db;
use crate::server::keyset::{KeyKind, Keyset, SortColumn};
use crate::server::now;
use crate::server::sql::{Bind, Sql, like_pattern};
use crate::ui::Page;
use sqlx::any::AnyRow;
use sqlx::{FromRow, Row};

const ORG_COLUMNS: &str = "o.id, o.slug, o.name, o.kind, o.partner_types, o.tier, o.region, o.status, \
     o.channel_manager_id, cm.name AS cm_name, o.website, o.description, o.created_at, o.updated_at";

/// An organisation row with its database id, for the server only.
#[derive(Debug, Clone, Serialize)]
pub struct OrgRow {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub vendor: bool,
    pub types: Vec<PartnerType>,
    pub tier: Option<Tier>,
    pub region: Option<Region>,
    pub status: OrgStatus,
    pub channel_manager_id: Option<i64>,
    #[serde(skip)]
    pub channel_manager: Option<String>,
    pub website: String,
    pub description: String,
    #[serde(skip)]
    pub created_at: i64,
    #[serde(skip)]
    pub updated_at: i64,
}

impl OrgRow {
    /// Whose organisation this is, for the policy.
    pub fn owner(&self) -> Owner {
        if self.vendor {
            Owner::Vendor
        } else {
            Owner::Partner(self.id)
        }
    }
}

fn parse_types(raw: &str) -> Vec<PartnerType> {
    raw.split(',')
        .filter_map(|t| PartnerType::parse(t).ok())
        .collect()
}

fn join_types(types: &[PartnerType]) -> String {
    types.iter().map(|t| t.code()).collect::<Vec<_>>().join(",")
}

/// An organisation as stored (with its channel manager's name).
#[derive(sqlx::FromRow)]
struct OrgRecord {
    id: i64,
    slug: String,
    name: String,
    kind: String,
    partner_types: String,
    tier: Option<String>,
    region: Option<String>,
    #[sqlx(try_from = "String")]
    status: OrgStatus,
    channel_manager_id: Option<i64>,
    cm_name: Option<String>,
    website: String,
    description: String,
    created_at: i64,
    updated_at: i64,
}

fn org_from_row(r: &AnyRow) -> Result<OrgRow, AppError> {
    let o = OrgRecord::from_row(r)?;
    Ok(OrgRow {
        id: o.id,
        slug: o.slug,
        name: o.name,
        vendor: o.kind == "vendor",
        types: parse_types(&o.partner_types),
        tier: o.tier.as_deref().and_then(|t| Tier::parse(t).ok()),
        region: o.region.as_deref().and_then(|t| Region::parse(t).ok()),
        status: o.status,
        channel_manager_id: o.channel_manager_id,
        channel_manager: o.cm_name,
        website: o.website,
        description: o.description,
        created_at: o.created_at,
        updated_at: o.updated_at,
    })
}

/// The organisation with this slug, if the caller may see it: vendor staff see every
/// organisation, partner users only their own.
pub async fn visible_org(db: &Db, scope: Scope, slug: &str) -> Result<OrgRow, AppError> {
    let sql = format!(
        "SELECT {ORG_COLUMNS} FROM orgs o LEFT JOIN users cm ON cm.id = o.channel_manager_id \
         WHERE o.slug = $1 AND {}",
        Scope::clause("o.id", 2)
    );
    let row = scope
        .bind(sqlx::query(&sql).bind(slug))
        .fetch_optional(&db.pool)
        .await?
        .ok_or(AppError::NotFound)?;
    org_from_row(&row)
}

pub fn detail(caller: &Caller, org: OrgRow) -> OrgDetail {
    OrgDetail {
        can_edit: caller.may(OrgAction::EditProfile, org.owner()),
        can_edit_program: caller.may(OrgAction::EditProgram, org.owner()),
        can_manage_team: caller.may(OrgAction::ManageTeam, org.owner()),
        slug: org.slug,
        name: org.name,
        vendor: org.vendor,
        types: org.types,
        tier: org.tier,
        region: org.region,
        status: org.status,
        channel_manager_id: org.channel_manager_id,
        channel_manager: org.channel_manager,
        website: org.website,
        description: org.description,
        created_at: org.created_at,
        updated_at: org.updated_at,
    }
}

/// The partner list's sort columns; the first is the default.
const PARTNER_SORTS: &[SortColumn] = &[
    SortColumn {
        code: "name",
        expr: "LOWER(o.name)",
        kind: KeyKind::Text,
        desc: false,
    },
    SortColumn {
        code: "tier",
        expr: "CAST(CASE o.tier WHEN 'registered' THEN 0 WHEN 'silver' THEN 1 WHEN 'gold' THEN 2 \
               WHEN 'platinum' THEN 3 ELSE -1 END AS BIGINT)",
        kind: KeyKind::Int,
        desc: true,
    },
    SortColumn {
        code: "region",
        expr: "COALESCE(o.region, '')",
        kind: KeyKind::Text,
        desc: false,
    },
    SortColumn {
        code: "status",
        expr: "CAST(CASE o.status WHEN 'prospect' THEN 0 WHEN 'applied' THEN 1 WHEN 'contracted' THEN 2 \
               WHEN 'onboarding' THEN 3 WHEN 'active' THEN 4 WHEN 'at_risk' THEN 5 \
               WHEN 'retired' THEN 6 ELSE -1 END AS BIGINT)",
        kind: KeyKind::Int,
        desc: false,
    },
    SortColumn {
        code: "created",
        expr: "o.created_at",
        kind: KeyKind::Int,
        desc: true,
    },
];

/// One page of the partner organisations for vendor staff, filtered and sorted on the
/// server, with the (capped) number of matches.
pub async fn list_partners(
    db: &Db,
    caller: &Caller,
    f: &PartnerFilter,
) -> Result<Page<PartnerSummary>, AppError> {
    caller.require(Action::ViewAllPartners)?;
    let mut p = Problems::new();
    let ptype = opt(&mut p, "partner_type", &f.partner_type, PartnerType::parse);
    let tier = opt(&mut p, "tier", &f.tier, Tier::parse);
    let region = opt(&mut p, "region", &f.region, Region::parse);
    let status = opt(&mut p, "status", &f.status, OrgStatus::parse);
    if f.q.chars().count() > 100 {
        p.add("q", "err.too_long");
    }
    p.into_result()?;
    let keyset = Keyset::new(PARTNER_SORTS, "o.id", &f.page)?;
    // Only the filters given become conditions, so each query is as simple as it can be.
    let mut filter = Sql::default();
    filter.push("o.kind = 'partner'");
    let q = f.q.trim();
    if !q.is_empty() {
        let p = filter.bind(Bind::S(like_pattern(q)));
        filter.push(&format!(
            " AND (LOWER(o.name) LIKE {p} ESCAPE '\\' OR o.slug LIKE {p} ESCAPE '\\')"
        ));
    }
    if let Some(t) = ptype {
        let p = filter.bind(Bind::S(format!("%,{},%", t.code())));
        filter.push(&format!(" AND (',' || o.partner_types || ',') LIKE {p}"));
    }
    for (col, code) in [
        ("o.tier", tier.map(|t| t.code())),
        ("o.region", region.map(|r| r.code())),
        ("o.status", status.map(|s| s.code())),
    ] {
        if let Some(code) = code {
            let p = filter.bind(Bind::S(code.into()));
            filter.push(&format!(" AND {col} = {p}"));
        }
    }
    let select = format!(
        "SELECT {ORG_COLUMNS}, (SELECT COUNT(*) FROM users u WHERE u.org_id = o.id) AS users, \
         {} AS sort_key FROM orgs o LEFT JOIN users cm ON cm.id = o.channel_manager_id",
        keyset.key_expr()
    );
    let (rows, total) = keyset.fetch(db, "FROM orgs o", &select, filter).await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        let org = org_from_row(r)?;
        out.push((
            (keyset.key_of(r)?, org.id),
            PartnerSummary {
                slug: org.slug,
                name: org.name,
                types: org.types,
                tier: org.tier,
                region: org.region,
                status: org.status,
                channel_manager: org.channel_manager,
                users: r.try_get("users")?,
                created_at: org.created_at,
            },
        ));
    }
    let page = keyset.page(out, |(k, _)| k.clone(), total);
    Ok(page.map(|(_, p)| p))
}

/// Vendor users who can be assigned as a partner's channel manager.
pub async fn channel_managers(db: &Db, caller: &Caller) -> Result<Vec<ChannelManager>, AppError> {
    caller.require(Action::ViewAllPartners)?;
    let rows = sqlx::query(
        "SELECT u.id, u.name FROM users u JOIN orgs o ON o.id = u.org_id \
         WHERE o.kind = 'vendor' AND u.active = 1 AND u.role IN ('admin', 'channel_manager') ORDER BY u.name",
    )
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(ChannelManager {
                id: r.try_get("id")?,
                name: r.try_get("name")?,
            })
        })
        .collect()
}

use super::validate::opt;
pub use super::validate::{ValidPartner, validate_partner};

async fn free_slug(db: &Db, name: &str) -> Result<String, AppError> {
    let base = Slug::from_name(name).as_str().to_string();
    for n in 1..1000 {
        let candidate = if n == 1 {
            base.clone()
        } else {
            format!("{base}-{n}")
        };
        let taken: i64 = sqlx::query("SELECT COUNT(*) FROM orgs WHERE slug = $1")
            .bind(&candidate)
            .fetch_one(&db.pool)
            .await?
            .try_get(0)?;
        if taken == 0 {
            return Ok(candidate);
        }
    }
    Err(AppError::Conflict("org.slug_taken".into()))
}

/// Creates a partner organisation; returns its slug.
pub async fn create_partner(
    db: &Db,
    actor: Actor<'_>,
    v: ValidPartner,
) -> Result<String, AppError> {
    actor.require(Action::ManagePartners)?;
    let slug = free_slug(db, &v.name).await?;
    let t = now();
    let mut tx = db.pool.begin().await?;
    let id: i64 = sqlx::query(
        "INSERT INTO orgs (slug, name, kind, partner_types, tier, region, status, channel_manager_id, \
         website, description, created_at, updated_at) \
         VALUES ($1, $2, 'partner', $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING id",
    )
    .bind(&slug)
    .bind(&v.name)
    .bind(join_types(&v.types))
    .bind(v.tier.code())
    .bind(v.region.map(|r| r.code()))
    .bind(v.status.code())
    .bind(v.channel_manager_id)
    .bind(&v.website)
    .bind(&v.description)
    .bind(t)
    .fetch_one(&mut *tx)
    .await?
    .try_get(0)?;
    let after = serde_json::json!({
        "slug": slug, "name": v.name, "types": join_types(&v.types), "tier": v.tier.code(),
        "region": v.region.map(|r| r.code()), "status": v.status.code(),
        "channel_manager_id": v.channel_manager_id, "website": v.website,
    });
    audit::record(
        &mut *tx,
        AuditEvent {
            actor,
            org_id: Some(id),
            action: "org.create",
            entity_type: "org",
            entity_id: slug.clone(),
            before: None,
            after: Some(after),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(slug)
}

/// Updates an organisation. Program fields (types, tier, region, status, channel manager)
/// change only when the caller manages partners; a partner admin edits the profile.
pub async fn update_org(
    db: &Db,
    caller: &Caller,
    slug: &str,
    input: &PartnerInput,
) -> Result<(), AppError> {
    let org = visible_org(db, caller.scope(Action::ViewAllPartners), slug).await?;
    if !caller.may(OrgAction::EditProfile, org.owner()) {
        return Err(AppError::Forbidden);
    }
    let program = caller.may(OrgAction::EditProgram, org.owner());
    let (name, website, description, types, tier, region, status, cm) = if program {
        let v = validate_partner(db, input).await?;
        (
            v.name,
            v.website,
            v.description,
            v.types,
            Some(v.tier),
            v.region,
            v.status,
            v.channel_manager_id,
        )
    } else {
        let mut p = Problems::new();
        let name = p.check("name", parse_org_name(&input.name));
        let website = p.check("website", parse_website(&input.website));
        let description = p.check("description", parse_optional_text(&input.description, 2000));
        p.into_result()?;
        (
            name.unwrap_or_default(),
            website.unwrap_or_default(),
            description.unwrap_or_default(),
            org.types.clone(),
            org.tier,
            org.region,
            org.status,
            org.channel_manager_id,
        )
    };
    let after = OrgRow {
        name,
        website,
        description,
        types,
        tier,
        region,
        status,
        channel_manager_id: cm,
        ..org.clone()
    };
    let mut tx = db.pool.begin().await?;
    sqlx::query(
        "UPDATE orgs SET name = $1, partner_types = $2, tier = $3, region = $4, status = $5, \
         channel_manager_id = $6, website = $7, description = $8, updated_at = $9 WHERE id = $10",
    )
    .bind(&after.name)
    .bind(join_types(&after.types))
    .bind(after.tier.map(|t| t.code()))
    .bind(after.region.map(|r| r.code()))
    .bind(after.status.code())
    .bind(after.channel_manager_id)
    .bind(&after.website)
    .bind(&after.description)
    .bind(now())
    .bind(org.id)
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut *tx,
        AuditEvent {
            actor: Actor::User(caller),
            org_id: Some(org.id),
            action: "org.update",
            entity_type: "org",
            entity_id: org.slug.clone(),
            before: snapshot(&org),
            after: snapshot(&after),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// An organisation by slug, whoever asks (operators and the checks that follow).
pub async fn org_by_slug(db: &Db, slug: &str) -> Result<OrgRow, AppError> {
    let sql = format!(
        "SELECT {ORG_COLUMNS} FROM orgs o LEFT JOIN users cm ON cm.id = o.channel_manager_id WHERE o.slug = $1"
    );
    let row = sqlx::query(&sql)
        .bind(slug)
        .fetch_optional(&db.pool)
        .await?
        .ok_or(AppError::NotFound)?;
    org_from_row(&row)
}

/// The vendor organisation, created on first use. There is exactly one.
pub async fn ensure_vendor(db: &Db, name: &str) -> Result<String, AppError> {
    if let Some(row) = sqlx::query("SELECT slug FROM orgs WHERE kind = 'vendor'")
        .fetch_optional(&db.pool)
        .await?
    {
        return Ok(row.try_get(0)?);
    }
    let name = parse_org_name(name).map_err(|m| AppError::field("name", m))?;
    let slug = free_slug(db, &name).await?;
    let t = now();
    let mut tx = db.pool.begin().await?;
    let id: i64 = sqlx::query(
        "INSERT INTO orgs (slug, name, kind, status, created_at, updated_at) \
         VALUES ($1, $2, 'vendor', 'active', $3, $3) RETURNING id",
    )
    .bind(&slug)
    .bind(&name)
    .bind(t)
    .fetch_one(&mut *tx)
    .await?
    .try_get(0)?;
    audit::record(
        &mut *tx,
        AuditEvent {
            actor: Actor::Operator,
            org_id: Some(id),
            action: "org.create",
            entity_type: "org",
            entity_id: slug.clone(),
            before: None,
            after: Some(serde_json::json!({ "slug": slug, "name": name, "kind": "vendor" })),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(slug)
}
