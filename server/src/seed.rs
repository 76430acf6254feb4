//! Demo data: the vendor "Acme Cloud" with its staff and partner organisations of several
//! types and tiers, each with people. Idempotent: existing records are left alone.

use anyhow::{Result, anyhow};
use app::error::AppError;
use app::partners::PartnerInput;
use app::partners::repo;
use app::server::db::Db;

/// The one password of every demo account. Printed only by `seed --demo`.
pub const DEMO_PASSWORD: &str = "trellis-demo-2026";

pub struct DemoLogin {
    pub email: &'static str,
    pub role: &'static str,
    pub org: String,
}

struct DemoPartner {
    name: &'static str,
    types: &'static [&'static str],
    tier: &'static str,
    region: &'static str,
    status: &'static str,
    website: &'static str,
    people: &'static [(&'static str, &'static str, &'static str)],
}

const PARTNERS: &[DemoPartner] = &[
    DemoPartner {
        name: "Northwind MSP",
        types: &["msp", "var"],
        tier: "gold",
        region: "emea",
        status: "active",
        website: "https://northwind.example",
        people: &[
            ("nina@northwind.example", "Nina Berger", "partner_admin"),
            ("sam@northwind.example", "Sam Keller", "sales"),
        ],
    },
    DemoPartner {
        name: "Contoso Reseller",
        types: &["reseller"],
        tier: "silver",
        region: "na",
        status: "active",
        website: "https://contoso.example",
        people: &[
            ("carla@contoso.example", "Carla Diaz", "partner_admin"),
            ("mo@contoso.example", "Mo Patel", "marketer"),
        ],
    },
    DemoPartner {
        name: "Globex Systems Integration",
        types: &["si", "cosell"],
        tier: "platinum",
        region: "apac",
        status: "onboarding",
        website: "https://globex.example",
        people: &[("gita@globex.example", "Gita Rao", "partner_admin")],
    },
    DemoPartner {
        name: "Initech Referral Partners",
        types: &["referral", "influence"],
        tier: "registered",
        region: "latam",
        status: "at_risk",
        website: "",
        people: &[("ivan@initech.example", "Iván Torres", "partner_admin")],
    },
    DemoPartner {
        name: "Umbrella Marketplace",
        types: &["marketplace", "isv"],
        tier: "gold",
        region: "na",
        status: "active",
        website: "https://umbrella.example",
        people: &[("uma@umbrella.example", "Uma Stone", "partner_admin")],
    },
];

const STAFF: &[(&str, &str, &str)] = &[
    ("admin@acme.example", "Alex Admin", "admin"),
    ("cam@acme.example", "Casey Manager", "channel_manager"),
    ("marketing@acme.example", "Morgan Marketer", "marketer"),
];

async fn user_exists(db: &Db, email: &str) -> Result<bool> {
    use sqlx::Row;
    let n: i64 = sqlx::query("SELECT COUNT(*) FROM users WHERE email = $1")
        .bind(email)
        .fetch_one(&db.pool)
        .await?
        .try_get(0)?;
    Ok(n > 0)
}

async fn org_slug_by_name(db: &Db, name: &str) -> Result<Option<String>> {
    use sqlx::Row;
    let row = sqlx::query("SELECT slug FROM orgs WHERE name = $1")
        .bind(name)
        .fetch_optional(&db.pool)
        .await?;
    Ok(row.map(|r| r.try_get(0)).transpose()?)
}

fn err(e: AppError) -> anyhow::Error {
    anyhow!("{e:?}")
}

/// Loads the demo data; returns the demo sign-ins.
pub async fn demo(db: &Db) -> Result<Vec<DemoLogin>> {
    let vendor = repo::ensure_vendor(db, "Acme Cloud").await.map_err(err)?;
    let mut logins = Vec::new();
    let mut cam_id = None;
    for (email, name, role) in STAFF {
        if !user_exists(db, email).await? {
            let id = repo::create_user_with_password(db, &vendor, email, name, role, DEMO_PASSWORD)
                .await
                .map_err(err)?;
            if *role == "channel_manager" {
                cam_id = Some(id);
            }
        }
        logins.push(DemoLogin {
            email,
            role,
            org: "Acme Cloud".into(),
        });
    }
    for p in PARTNERS {
        let slug = match org_slug_by_name(db, p.name).await? {
            Some(s) => s,
            None => {
                let input = PartnerInput {
                    name: p.name.into(),
                    types: p.types.iter().map(|t| t.to_string()).collect(),
                    tier: p.tier.into(),
                    region: p.region.into(),
                    status: p.status.into(),
                    channel_manager_id: cam_id.map(|i: i64| i.to_string()).unwrap_or_default(),
                    website: p.website.into(),
                    description: String::new(),
                };
                let valid = repo::validate_partner(db, &input).await.map_err(err)?;
                repo::create_partner(db, None, valid).await.map_err(err)?
            }
        };
        for (email, name, role) in p.people {
            if !user_exists(db, email).await? {
                repo::create_user_with_password(db, &slug, email, name, role, DEMO_PASSWORD)
                    .await
                    .map_err(err)?;
            }
            logins.push(DemoLogin {
                email,
                role,
                org: p.name.into(),
            });
        }
    }
    Ok(logins)
}

/// Synthetic partner organisations for load tests: `n` partners with varied types, tiers,
/// regions and statuses, inserted in one transaction. Returns how many were added.
pub async fn synthetic_partners(db: &Db, n: usize) -> Result<usize> {
    use app::domain::{OrgStatus, PartnerType, Region, Tier};
    let t = app::server::now();
    let mut tx = db.pool.begin().await?;
    for i in 0..n {
        let ptype = PartnerType::ALL[i % PartnerType::ALL.len()].code();
        let tier = Tier::ALL[i % Tier::ALL.len()].code();
        let region = Region::ALL[(i / 3) % Region::ALL.len()].code();
        let status = OrgStatus::ALL[(i / 7) % OrgStatus::ALL.len()].code();
        sqlx::query(
            "INSERT INTO orgs (slug, name, kind, partner_types, tier, region, status, created_at, updated_at) \
             VALUES ($1, $2, 'partner', $3, $4, $5, $6, $7, $7)",
        )
        .bind(format!("load-partner-{t}-{i}"))
        .bind(format!("Load Partner {i:05}"))
        .bind(ptype)
        .bind(tier)
        .bind(region)
        .bind(status)
        .bind(t)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(n)
}
