//! Learning reports: completions and pass rates per course, certified people per partner,
//! credentials expiring in the next 30, 60 and 90 days, and the CSV export of credentials.
//! Bound to the reader's scope: every partner for vendor staff who read all learning, the
//! reader's own organisation for a partner admin; nobody else.

use super::awards::{self, Reach};
use super::{
    CourseStats, CredentialStatus, CredentialSummary, LearningReport, OrgCertified, TierGap,
};
use crate::auth::Caller;
use crate::error::AppError;
use crate::policy::{Action, Scope, role_allows};
use crate::server::db::Db;

const DAY: i64 = 86_400;

/// The scope of a report reader, or Forbidden.
fn report_scope(c: &Caller) -> Result<Scope, AppError> {
    let scope = c.scope(Action::ViewAllLearning);
    if scope.all() || (!c.vendor && role_allows(c.role, Action::ManageOwnTeam)) {
        Ok(scope)
    } else {
        Err(AppError::Forbidden)
    }
}

#[derive(sqlx::FromRow)]
struct CourseStatsRow {
    id: i64,
    title: String,
    learners: i64,
    passed: i64,
    attempts: i64,
    passes: i64,
}

pub async fn report(
    db: &Db,
    public_url: &str,
    c: &Caller,
    now: i64,
) -> Result<LearningReport, AppError> {
    let scope = report_scope(c)?;
    let within = Scope::clause("a.org_id", 1);
    // The scope's two values, as `Scope::clause(_, 1)` numbers them.
    let (all, org) = (i64::from(scope.all()), scope.org_id());
    let courses: Vec<CourseStatsRow> = sqlx::query_as(&format!(
            "SELECT c.id, c.title, \
             (SELECT COUNT(DISTINCT a.user_id) FROM quiz_attempts a WHERE a.course_id = c.id AND {within}) AS learners, \
             (SELECT COUNT(DISTINCT a.user_id) FROM quiz_attempts a WHERE a.course_id = c.id AND a.passed = 1 AND {within}) AS passed, \
             (SELECT COUNT(*) FROM quiz_attempts a WHERE a.course_id = c.id AND a.submitted_at IS NOT NULL AND {within}) AS attempts, \
             (SELECT COUNT(*) FROM quiz_attempts a WHERE a.course_id = c.id AND a.passed = 1 AND {within}) AS passes \
             FROM courses c WHERE c.status <> 'archived' ORDER BY LOWER(c.title), c.id"
        ))
        .bind(all)
        .bind(org)
        .fetch_all(&db.pool)
        .await?;
    let by_partner: Vec<(String, i64, i64)> = sqlx::query_as(&format!(
        "SELECT o.name, COUNT(DISTINCT cr.user_id), COUNT(*) FROM credentials cr \
             JOIN orgs o ON o.id = cr.org_id \
             WHERE cr.revoked_at IS NULL AND cr.valid_until > $3 AND {} \
             GROUP BY o.name ORDER BY COUNT(DISTINCT cr.user_id) DESC, o.name LIMIT 50",
        Scope::clause("cr.org_id", 1)
    ))
    .bind(all)
    .bind(org)
    .bind(now)
    .fetch_all(&db.pool)
    .await?;
    let gaps = tier_gaps(db, all, org, now).await?;
    let reach = if scope.all() {
        Reach::All
    } else {
        Reach::Org(scope.org_id())
    };
    let soon: Vec<CredentialSummary> = awards::list(db, public_url, reach, now)
        .await?
        .into_iter()
        .filter(|c| c.status == CredentialStatus::Active && c.valid_until <= now + 90 * DAY)
        .collect();
    let within_days = |d: i64| {
        soon.iter()
            .filter(|c| c.valid_until <= now + d * DAY)
            .count() as i64
    };
    Ok(LearningReport {
        courses: courses
            .into_iter()
            .map(|r| CourseStats {
                id: r.id,
                title: r.title,
                learners: r.learners,
                passed: r.passed,
                attempts: r.attempts,
                pass_rate: if r.attempts > 0 {
                    r.passes * 100 / r.attempts
                } else {
                    0
                },
            })
            .collect(),
        by_partner: by_partner
            .into_iter()
            .map(|(org_name, people, credentials)| OrgCertified {
                org_name,
                people,
                credentials,
            })
            .collect(),
        expiring: [within_days(30), within_days(60), within_days(90)],
        expiring_soon: soon,
        gaps,
        team: super::progress::people(db, reach, now).await?,
    })
}

/// Partners (within the scope's two values) with fewer people holding an active
/// credential than their tier requires for a certification.
async fn tier_gaps(db: &Db, all: i64, org: i64, now: i64) -> Result<Vec<TierGap>, AppError> {
    let rows: Vec<(String, String, String, String, i64)> = sqlx::query_as(&format!(
        "SELECT o.name, o.tier, ce.name, ce.tier_requirements, \
         (SELECT COUNT(DISTINCT cr.user_id) FROM credentials cr WHERE cr.org_id = o.id \
          AND cr.certification_id = ce.id AND cr.revoked_at IS NULL AND cr.valid_until > $3) \
         FROM orgs o CROSS JOIN certifications ce \
         WHERE o.kind = 'partner' AND o.tier IS NOT NULL AND ce.tier_requirements <> '' AND {} \
         ORDER BY o.name, ce.name LIMIT 5000",
        Scope::clause("o.id", 1)
    ))
    .bind(all)
    .bind(org)
    .bind(now)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(org_name, tier, certification, reqs, certified)| {
            let required = reqs
                .split(',')
                .filter_map(|p| p.split_once('='))
                .find(|(t, _)| *t == tier)
                .and_then(|(_, n)| n.parse::<i64>().ok())?;
            (certified < required).then_some(TierGap {
                org_name,
                tier,
                certification,
                required,
                certified,
            })
        })
        .collect())
}

/// A CSV cell that a spreadsheet will not run as a formula.
fn cell(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    }
}

/// The credentials within the caller's reach as CSV (UTF-8, header row).
pub async fn credentials_csv(
    db: &Db,
    public_url: &str,
    c: &Caller,
    now: i64,
) -> Result<String, AppError> {
    let rows = awards::list(db, public_url, awards::reach(c), now).await?;
    let mut w = csv::Writer::from_writer(Vec::new());
    let io = |e: csv::Error| crate::error::internal(format!("csv: {e}"));
    w.write_record([
        "id",
        "certification",
        "holder_name",
        "holder_email",
        "organisation",
        "status",
        "issued_at",
        "valid_until",
        "url",
    ])
    .map_err(io)?;
    for r in rows {
        w.write_record([
            cell(&r.id),
            cell(&r.certification),
            cell(&r.holder_name),
            cell(&r.holder_email),
            cell(&r.org_name),
            r.status.code().to_string(),
            super::credentials::xsd_datetime(r.issued_at),
            super::credentials::xsd_datetime(r.valid_until),
            r.url,
        ])
        .map_err(io)?;
    }
    let bytes = w
        .into_inner()
        .map_err(|e| crate::error::internal(format!("csv: {e}")))?;
    String::from_utf8(bytes).map_err(|e| crate::error::internal(format!("csv: {e}")))
}

#[cfg(test)]
mod tests {
    use super::cell;

    #[test]
    fn formulas_are_defused() {
        assert_eq!(cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(cell("+1"), "'+1");
        assert_eq!(cell("Ada"), "Ada");
    }
}
