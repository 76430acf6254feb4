//! Learning paths: courses assigned by rule (partner type, tier, region and role) with a
//! due date. Assignment is evaluated when asked, so a new partner or a new user has their
//! paths at once, and a changed tier changes them on the next request. Completing a path's
//! course means passing its quiz; a change to a path never erases anyone's completion.

use super::{AssignedCourse, AssignedPath, PathInput, PathSummary};
use crate::auth::Caller;
use crate::domain::{PartnerType, Region, Role, Tier};
use crate::error::{AppError, Problems};
use crate::policy::Action;
use crate::server::db::Db;

const DAY: i64 = 86_400;

fn codes<T: Copy>(
    p: &mut Problems,
    field: &str,
    raw: &[String],
    parse: fn(&str) -> Result<T, &'static str>,
    code: fn(T) -> &'static str,
) -> String {
    let mut out: Vec<&'static str> = Vec::new();
    for r in raw {
        match parse(r) {
            Ok(v) if !out.contains(&code(v)) => out.push(code(v)),
            Ok(_) => {}
            Err(_) => {
                p.add(field, "err.choice_invalid");
                break;
            }
        }
    }
    out.join(",")
}

fn partner_role(raw: &str) -> Result<Role, &'static str> {
    Role::parse_for_side(raw, false)
}

/// Creates a path. Every field gets its own message when it is wrong.
pub async fn create(db: &Db, c: &Caller, input: &PathInput, now: i64) -> Result<i64, AppError> {
    c.require(Action::ManageLearning)?;
    let mut p = Problems::new();
    let name = crate::domain::parse_required_text(&input.name, 160).unwrap_or_else(|key| {
        p.add("name", key);
        String::new()
    });
    let mut courses: Vec<i64> = Vec::new();
    for raw in &input.courses {
        match raw.trim().parse::<i64>() {
            Ok(id) if !courses.contains(&id) => courses.push(id),
            Ok(_) => {}
            Err(_) => p.add("courses", "err.choice_invalid"),
        }
    }
    if courses.is_empty() {
        p.add("courses", "err.pick_one");
    } else if courses.len() > 50 {
        p.add("courses", "err.too_many");
    } else {
        let mut sql = crate::server::sql::Sql::default();
        let ids = sql.bind_ids(&courses);
        sql.push(&format!("SELECT COUNT(*) FROM courses WHERE id IN ({ids})"));
        let found: i64 = sqlx::Row::try_get(&sql.query().fetch_one(&db.pool).await?, 0)?;
        if found != courses.len() as i64 {
            p.add("courses", "err.choice_invalid");
        }
    }
    let types = codes(
        &mut p,
        "partner_types",
        &input.partner_types,
        PartnerType::parse,
        PartnerType::code,
    );
    let tiers = codes(&mut p, "tiers", &input.tiers, Tier::parse, Tier::code);
    let regions = codes(
        &mut p,
        "regions",
        &input.regions,
        Region::parse,
        Region::code,
    );
    let roles = codes(&mut p, "roles", &input.roles, partner_role, Role::code);
    let due_days = match input.due_days.trim().parse::<i64>() {
        Ok(d) if (1..=730).contains(&d) => d,
        Ok(_) => {
            p.add("due_days", "err.out_of_range");
            0
        }
        Err(_) => {
            p.add("due_days", "err.number_invalid");
            0
        }
    };
    p.into_result()?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO learning_paths (name, courses, partner_types, tiers, regions, roles, due_days, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(&name)
    .bind(serde_json::to_string(&courses).unwrap_or_default())
    .bind(types)
    .bind(tiers)
    .bind(regions)
    .bind(roles)
    .bind(due_days)
    .bind(now)
    .fetch_one(&db.pool)
    .await?;
    Ok(id)
}

#[derive(Debug, Clone, sqlx::FromRow)]
struct PathRow {
    id: i64,
    name: String,
    courses: String,
    partner_types: String,
    tiers: String,
    regions: String,
    roles: String,
    due_days: i64,
    created_at: i64,
}

async fn all_paths(db: &Db) -> Result<Vec<PathRow>, AppError> {
    Ok(sqlx::query_as(
        "SELECT id, name, courses, partner_types, tiers, regions, roles, due_days, created_at \
         FROM learning_paths ORDER BY LOWER(name), id",
    )
    .fetch_all(&db.pool)
    .await?)
}

fn split(s: &str) -> Vec<String> {
    s.split(',')
        .filter(|x| !x.is_empty())
        .map(str::to_string)
        .collect()
}

/// Whether a rule admits a value: an empty rule admits everyone.
fn admits(rule: &str, values: &[&str]) -> bool {
    rule.is_empty() || split(rule).iter().any(|r| values.contains(&r.as_str()))
}

/// Every path, for those who write them.
pub async fn list(db: &Db, c: &Caller) -> Result<Vec<PathSummary>, AppError> {
    c.require(Action::ManageLearning)?;
    Ok(all_paths(db)
        .await?
        .into_iter()
        .map(|r| PathSummary {
            id: r.id,
            name: r.name,
            courses: serde_json::from_str::<Vec<i64>>(&r.courses)
                .unwrap_or_default()
                .len() as i64,
            partner_types: split(&r.partner_types),
            tiers: split(&r.tiers),
            regions: split(&r.regions),
            roles: split(&r.roles),
            due_days: r.due_days,
        })
        .collect())
}

/// The paths assigned to the caller, each course with its state, and the due date: the
/// path's days counted from when the path or the person came, whichever is later.
pub async fn assigned(db: &Db, c: &Caller, now: i64) -> Result<Vec<AssignedPath>, AppError> {
    if c.vendor {
        return Ok(Vec::new());
    }
    let org: Option<(String, Option<String>, Option<String>)> =
        sqlx::query_as("SELECT partner_types, tier, region FROM orgs WHERE id = $1")
            .bind(c.org_id)
            .fetch_optional(&db.pool)
            .await?;
    let Some((types, tier, region)) = org else {
        return Ok(Vec::new());
    };
    let joined: i64 = sqlx::query_scalar("SELECT created_at FROM users WHERE id = $1")
        .bind(c.user_id)
        .fetch_one(&db.pool)
        .await?;
    let types: Vec<String> = split(&types);
    let type_refs: Vec<&str> = types.iter().map(String::as_str).collect();
    // Every published course's state for this person, in one query; courses that are not
    // published are not the learner's to take.
    let states: Vec<(i64, String, i64, i64)> = sqlx::query_as(
        "SELECT c.id, c.title, \
         (SELECT COUNT(*) FROM quiz_attempts a WHERE a.course_id = c.id AND a.user_id = $1 AND a.passed = 1), \
         (SELECT COUNT(*) FROM lesson_completions lc JOIN lessons l ON l.id = lc.lesson_id \
          WHERE l.course_id = c.id AND lc.user_id = $1) \
         + (SELECT COUNT(*) FROM quiz_attempts a WHERE a.course_id = c.id AND a.user_id = $1) \
         FROM courses c WHERE c.status = 'published'",
    )
    .bind(c.user_id)
    .fetch_all(&db.pool)
    .await?;
    let mut out = Vec::new();
    for p in all_paths(db).await? {
        let fits = admits(&p.partner_types, &type_refs)
            && admits(&p.tiers, &[tier.as_deref().unwrap_or_default()])
            && admits(&p.regions, &[region.as_deref().unwrap_or_default()])
            && admits(&p.roles, &[c.role.code()]);
        if !fits {
            continue;
        }
        let due_at = p.created_at.max(joined) + p.due_days * DAY;
        let ids: Vec<i64> = serde_json::from_str(&p.courses).unwrap_or_default();
        let courses: Vec<AssignedCourse> = ids
            .iter()
            .filter_map(|id| states.iter().find(|(cid, ..)| cid == id))
            .map(|(id, title, passed, activity)| AssignedCourse {
                id: *id,
                title: title.clone(),
                completed: *passed > 0,
                started: *activity > 0,
            })
            .collect();
        let done = courses.iter().all(|c| c.completed);
        out.push(AssignedPath {
            id: p.id,
            name: p.name,
            due_at,
            overdue: !done && now > due_at,
            completed: done,
            courses,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::admits;

    #[test]
    fn empty_rules_admit_everyone_and_lists_any_match() {
        assert!(admits("", &["msp"]));
        assert!(admits("msp,var", &["var", "isv"]));
        assert!(!admits("msp", &["var"]));
        assert!(!admits("gold", &[""]));
    }
}
