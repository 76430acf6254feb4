//! Deal registrations in the database. Every read of a registration is bound to a
//! [`Scope`]: a partner's scope reaches its own organisation's registrations, drafts
//! included; a vendor scope reaches every partner's registrations that have left draft.

use super::validate::ValidDeal;
use super::*;
use crate::domain::{Currency, DealStage, DealStatus};
use crate::error::{AppError, internal};
use crate::policy::{Owner, Scope};
use crate::server::db::Db;
use crate::server::keyset::{Key, KeyKind, Keyset, SortColumn};
use crate::server::sql::{Bind, Sql, like_pattern};
use sqlx::FromRow;

/// A registration as stored, with its organisation's name.
#[derive(Debug, Clone, FromRow)]
pub struct DealRow {
    pub id: i64,
    pub org_id: i64,
    pub org_name: String,
    pub created_by: i64,
    pub status: String,
    pub company: String,
    pub domain: String,
    pub street: String,
    pub city: String,
    pub region: String,
    pub postcode: String,
    pub country: String,
    pub contact_name: String,
    pub contact_email: String,
    pub contact_phone: String,
    pub products: String,
    pub value_minor: i64,
    pub currency: String,
    pub expected_close: String,
    pub stage: String,
    pub notes: String,
    pub cosell: i64,
    pub verdict: Option<String>,
    pub protected_until: Option<i64>,
    pub extensions: i64,
    pub decision_reason: String,
    pub submitted_at: Option<i64>,
    pub updated_at: i64,
}

impl DealRow {
    pub fn status(&self) -> Result<DealStatus, AppError> {
        DealStatus::parse(&self.status).map_err(internal)
    }

    pub fn owner(&self) -> Owner {
        Owner::Partner(self.org_id)
    }

    /// The form as the partner filled it in.
    pub fn input(&self) -> DealInput {
        let digits = Currency::parse(&self.currency)
            .map(|c| c.minor_digits())
            .unwrap_or(2);
        let value = if self.value_minor == 0 {
            String::new()
        } else if digits == 0 {
            self.value_minor.to_string()
        } else {
            format!("{}.{:02}", self.value_minor / 100, self.value_minor % 100)
        };
        DealInput {
            company: self.company.clone(),
            domain: self.domain.clone(),
            street: self.street.clone(),
            city: self.city.clone(),
            region: self.region.clone(),
            postcode: self.postcode.clone(),
            country: self.country.clone(),
            contact_name: self.contact_name.clone(),
            contact_email: self.contact_email.clone(),
            contact_phone: self.contact_phone.clone(),
            products: self.products.clone(),
            value,
            currency: self.currency.clone(),
            expected_close: self.expected_close.clone(),
            stage: self.stage.clone(),
            notes: self.notes.clone(),
            cosell: self.cosell == 1,
        }
    }

    /// The list entry; the matcher's verdict only for readers who decide.
    pub fn summary(&self, with_verdict: bool) -> Result<DealSummary, AppError> {
        Ok(DealSummary {
            id: self.id,
            company: self.company.clone(),
            org_name: self.org_name.clone(),
            status: self.status()?,
            stage: DealStage::parse(&self.stage).unwrap_or(DealStage::Qualify),
            value_minor: self.value_minor,
            currency: self.currency.clone(),
            expected_close: self.expected_close.clone(),
            verdict: if with_verdict {
                self.verdict.as_deref().and_then(Verdict::parse)
            } else {
                None
            },
            submitted_at: self.submitted_at,
            updated_at: self.updated_at,
        })
    }
}

const SELECT: &str = "SELECT d.*, o.name AS org_name FROM deals d JOIN orgs o ON o.id = d.org_id";

/// The scope's condition on `deals d`, binding at `$n` and `$n+1`: the own organisation's
/// registrations, or every partner's that has left draft. Drafts stay private.
fn in_scope(n: usize) -> String {
    format!(
        "((${n} = 1 AND d.status <> 'draft') OR d.org_id = ${})",
        n + 1
    )
}

/// The registration `id`, if it is in `scope`; otherwise `NotFound`.
pub async fn find(db: &Db, scope: Scope, id: i64) -> Result<DealRow, AppError> {
    let sql = format!("{SELECT} WHERE d.id = $1 AND {}", in_scope(2));
    scope
        .bind(sqlx::query(&sql).bind(id))
        .fetch_optional(&db.pool)
        .await?
        .map(|r| DealRow::from_row(&r))
        .transpose()?
        .ok_or(AppError::NotFound)
}

/// Registrations in `scope`, newest change first, at most 500. `status` is a status code,
/// `queue` (submitted or under review), `expiring` (approved, protected until at most
/// `horizon`) or empty; `q` matches the company name; `created_by`, when not 0, keeps one
/// person's registrations.
/// The deal list's sort columns; the first (latest change first) is the default.
pub const DEAL_SORTS: &[SortColumn] = &[
    SortColumn {
        code: "updated",
        expr: "d.updated_at",
        kind: KeyKind::Int,
        desc: true,
    },
    SortColumn {
        code: "company",
        expr: "LOWER(d.company)",
        kind: KeyKind::Text,
        desc: false,
    },
    SortColumn {
        code: "partner",
        expr: "LOWER(o.name)",
        kind: KeyKind::Text,
        desc: false,
    },
    SortColumn {
        code: "match",
        expr: "CAST(CASE d.verdict WHEN 'clear' THEN 0 WHEN 'review' THEN 1 \
               WHEN 'conflict' THEN 2 ELSE -1 END AS BIGINT)",
        kind: KeyKind::Int,
        desc: true,
    },
    SortColumn {
        code: "status",
        expr: "CAST(CASE d.status WHEN 'draft' THEN 0 WHEN 'submitted' THEN 1 \
               WHEN 'under_review' THEN 2 WHEN 'info_requested' THEN 3 WHEN 'approved' THEN 4 \
               WHEN 'rejected' THEN 5 WHEN 'won' THEN 6 WHEN 'lost' THEN 7 WHEN 'expired' THEN 8 \
               ELSE -1 END AS BIGINT)",
        kind: KeyKind::Int,
        desc: false,
    },
    SortColumn {
        code: "value",
        expr: "d.value_minor",
        kind: KeyKind::Int,
        desc: true,
    },
    SortColumn {
        code: "close",
        expr: "d.expected_close",
        kind: KeyKind::Text,
        desc: false,
    },
];

/// What the deal list is narrowed to (checked by the caller).
pub struct ListFilter<'a> {
    /// A status code, `queue`, `expiring` or empty.
    pub status: &'a str,
    pub q: &'a str,
    /// `expiring` means protection ends before this time.
    pub horizon: i64,
    /// Only this user's registrations (0: anyone's).
    pub created_by: i64,
}

/// One page of the registrations in `scope`, with the (capped) count of matches.
pub async fn list(
    db: &Db,
    scope: Scope,
    f: &ListFilter<'_>,
    keyset: &Keyset,
) -> Result<(Vec<((Key, i64), DealRow)>, i64), AppError> {
    // Only the filters given become conditions, so each query is as simple as it can be.
    // The scope is written out, not bound, so each side gets its own plan and index:
    // vendor staff every partner's but drafts, a partner its own.
    // The count needs no join: every registration has its organisation.
    // `conditions` writes them into a query (the queue's union writes them once per branch).
    let conditions = |w: &mut Sql| {
        if scope.all() {
            w.push("d.status <> 'draft'");
        } else {
            let org = w.bind(Bind::I(scope.org_id()));
            w.push(&format!("d.org_id = {org}"));
        }
        match f.status {
            "" | "queue" => {}
            "expiring" => {
                let h = w.bind(Bind::I(f.horizon));
                w.push(&format!(
                    " AND d.status = 'approved' AND d.protected_until IS NOT NULL AND d.protected_until <= {h}"
                ));
            }
            s => {
                let p = w.bind(Bind::S(s.into()));
                w.push(&format!(" AND d.status = {p}"));
            }
        }
        if !f.q.is_empty() {
            let p = w.bind(Bind::S(like_pattern(f.q)));
            w.push(&format!(" AND LOWER(d.company) LIKE {p} ESCAPE '\\'"));
        }
        if f.created_by != 0 {
            let p = w.bind(Bind::I(f.created_by));
            w.push(&format!(" AND d.created_by = {p}"));
        }
    };
    let select = format!(
        "SELECT d.*, o.name AS org_name, {} AS sort_key FROM deals d JOIN orgs o ON o.id = d.org_id",
        keyset.key_expr()
    );
    let (rows, total) = if f.status == "queue" {
        // One branch per queued status, each read in order from (status, sort key, id).
        let branches = ["d.status = 'submitted'", "d.status = 'under_review'"];
        keyset
            .fetch_union(db, "FROM deals d", &select, conditions, &branches)
            .await?
    } else {
        let mut w = Sql::default();
        conditions(&mut w);
        keyset.fetch(db, "FROM deals d", &select, w).await?
    };
    let rows = rows
        .iter()
        .map(|r| {
            let d = DealRow::from_row(r)?;
            Ok(((keyset.key_of(r)?, d.id), d))
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    Ok((rows, total))
}

#[derive(FromRow)]
struct EventRow {
    at: i64,
    actor_name: String,
    kind: String,
    from_status: Option<String>,
    to_status: Option<String>,
    body: String,
    visibility: String,
}

/// The timeline of a registration the caller has already found in scope; internal notes
/// only for vendor readers.
pub async fn events(
    db: &Db,
    deal: &DealRow,
    with_internal: bool,
) -> Result<Vec<DealEventView>, AppError> {
    let rows: Vec<EventRow> = sqlx::query_as(
        "SELECT at, actor_name, kind, from_status, to_status, body, visibility FROM deal_events \
         WHERE deal_id = $1 AND ($2 = 1 OR visibility = 'all') ORDER BY at, id",
    )
    .bind(deal.id)
    .bind(i64::from(with_internal))
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|e| DealEventView {
            at: e.at,
            actor: e.actor_name,
            kind: e.kind,
            from_status: e.from_status.and_then(|s| DealStatus::parse(&s).ok()),
            to_status: e.to_status.and_then(|s| DealStatus::parse(&s).ok()),
            body: e.body,
            internal: e.visibility == "vendor",
        })
        .collect())
}

/// A new draft of organisation `org_id`, registered by `user_id`.
pub async fn insert_draft(
    conn: &mut sqlx::AnyConnection,
    org_id: i64,
    user_id: i64,
    v: &ValidDeal,
    at: i64,
) -> Result<i64, AppError> {
    let i = &v.input;
    Ok(sqlx::query_scalar(
        "INSERT INTO deals (org_id, created_by, status, company, domain, street, city, region, postcode, country, \
         contact_name, contact_email, contact_phone, products, value_minor, currency, expected_close, stage, notes, cosell, \
         created_at, updated_at) VALUES ($1, $2, 'draft', $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $20) \
         RETURNING id",
    )
    .bind(org_id).bind(user_id)
    .bind(i.company.trim()).bind(i.domain.trim()).bind(i.street.trim()).bind(i.city.trim()).bind(i.region.trim())
    .bind(i.postcode.trim()).bind(&i.country).bind(i.contact_name.trim()).bind(i.contact_email.trim())
    .bind(i.contact_phone.trim()).bind(i.products.trim()).bind(v.value_minor).bind(v.currency.code())
    .bind(&i.expected_close).bind(v.stage.code()).bind(i.notes.trim()).bind(i64::from(i.cosell)).bind(at)
    .fetch_one(&mut *conn)
    .await?)
}

/// Overwrites a registration's fields (the caller has checked it may).
pub async fn update_fields(
    conn: &mut sqlx::AnyConnection,
    id: i64,
    v: &ValidDeal,
    at: i64,
) -> Result<(), AppError> {
    let i = &v.input;
    sqlx::query(
        "UPDATE deals SET company = $1, domain = $2, street = $3, city = $4, region = $5, postcode = $6, country = $7, \
         contact_name = $8, contact_email = $9, contact_phone = $10, products = $11, value_minor = $12, currency = $13, \
         expected_close = $14, stage = $15, notes = $16, cosell = $17, updated_at = $18 WHERE id = $19",
    )
    .bind(i.company.trim()).bind(i.domain.trim()).bind(i.street.trim()).bind(i.city.trim()).bind(i.region.trim())
    .bind(i.postcode.trim()).bind(&i.country).bind(i.contact_name.trim()).bind(i.contact_email.trim())
    .bind(i.contact_phone.trim()).bind(i.products.trim()).bind(v.value_minor).bind(v.currency.code())
    .bind(&i.expected_close).bind(v.stage.code()).bind(i.notes.trim()).bind(i64::from(i.cosell)).bind(at).bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}
