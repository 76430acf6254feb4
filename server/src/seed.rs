//! Demo data: the vendor "Acme Cloud" with its staff and partner organisations of several
//! types and tiers, each with people. Idempotent: existing records are left alone.

use anyhow::{Result, anyhow};
use app::error::AppError;
use app::partners::PartnerInput;
use app::partners::{people, repo};
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
            let id =
                people::create_user_with_password(db, &vendor, email, name, role, DEMO_PASSWORD)
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
                repo::create_partner(db, app::policy::Actor::Operator, valid)
                    .await
                    .map_err(err)?
            }
        };
        for (email, name, role) in p.people {
            if !user_exists(db, email).await? {
                people::create_user_with_password(db, &slug, email, name, role, DEMO_PASSWORD)
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
    demo_deals(db).await?;
    Ok(logins)
}

/// Direct pipeline records and registrations with real conflicts to show: a customer two
/// partners registered, one that overlaps the direct pipeline, a named account.
async fn demo_deals(db: &Db) -> Result<()> {
    use app::deals::pipeline::{PipelineRow, upsert};
    use app::deals::{Customer, DealInput};
    use sqlx::Row;
    let existing: i64 = sqlx::query("SELECT COUNT(*) FROM deals")
        .fetch_one(&db.pool)
        .await?
        .try_get(0)?;
    if existing > 0 {
        return Ok(());
    }
    let pipeline = [
        (
            "SF-1001",
            "Wayne Enterprises Inc",
            "wayne-enterprises.com",
            "1007 Mountain Drive",
            "Gotham",
            "NJ",
            "07001",
            "US",
            "+1 201 555 0100",
        ),
        (
            "SF-1002",
            "Cyberdyne Systems Corp",
            "cyberdyne.example",
            "18144 El Camino Real",
            "Sunnyvale",
            "CA",
            "94087",
            "US",
            "+1 408 555 0199",
        ),
        (
            "SF-1003",
            "Tyrell GmbH",
            "tyrell.de",
            "Friedrichstraße 12",
            "Berlin",
            "",
            "10117",
            "DE",
            "+49 30 5550 1234",
        ),
    ];
    let rows: Vec<PipelineRow> = pipeline
        .iter()
        .map(
            |(id, company, domain, street, city, region, postcode, country, phone)| PipelineRow {
                external_id: (*id).into(),
                customer: Customer {
                    company: (*company).into(),
                    domain: (*domain).into(),
                    street: (*street).into(),
                    city: (*city).into(),
                    region: (*region).into(),
                    postcode: (*postcode).into(),
                    country: (*country).into(),
                    phone: (*phone).into(),
                    contact_email: String::new(),
                },
            },
        )
        .collect();
    upsert(db, &rows, |_| {}).await.map_err(err)?;
    sqlx::query("UPDATE pipeline_records SET named_account = 1 WHERE external_id = 'SF-1003'")
        .execute(&db.pool)
        .await?;
    let caller = |email: &str| {
        let email = email.to_string();
        async move {
            let row = sqlx::query(
                "SELECT u.id, u.org_id, u.role, u.name, o.slug, o.name AS org_name FROM users u JOIN orgs o ON o.id = u.org_id WHERE u.email = $1",
            )
            .bind(&email)
            .fetch_one(&db.pool)
            .await?;
            let role: String = row.try_get("role")?;
            anyhow::Ok(app::auth::Caller {
                user_id: row.try_get("id")?,
                org_id: row.try_get("org_id")?,
                org_slug: row.try_get("slug")?,
                org_name: row.try_get("org_name")?,
                vendor: false,
                role: app::domain::Role::parse(&role).map_err(|e| anyhow!(e))?,
                email,
                name: row.try_get("name")?,
                locale: None,
                session_hash: String::new(),
            })
        }
    };
    let deal = |company: &str, domain: &str, city: &str, country: &str, value: &str| DealInput {
        company: company.into(),
        domain: domain.into(),
        city: city.into(),
        country: country.into(),
        contact_name: "Dana Buyer".into(),
        contact_email: format!("dana@{domain}"),
        products: "Acme Cloud Enterprise".into(),
        value: value.into(),
        currency: "USD".into(),
        expected_close: "2099-03-31".into(),
        stage: "proposal".into(),
        ..Default::default()
    };
    let sam = caller("sam@northwind.example").await?;
    let carla = caller("carla@contoso.example").await?;
    let gita = caller("gita@globex.example").await?;
    use app::deals::service::{save_draft, submit};
    for (who, d) in [
        (
            &sam,
            deal(
                "Umbrella Health GmbH",
                "umbrella-health.de",
                "Berlin",
                "DE",
                "48,000",
            ),
        ),
        (
            &carla,
            deal(
                "UMBRELLA HEALTH",
                "www.umbrella-health.de",
                "Berlin",
                "DE",
                "52,500",
            ),
        ),
        (
            &carla,
            deal(
                "Wayne Enterprises",
                "wayne-enterprises.com",
                "Gotham",
                "US",
                "120,000",
            ),
        ),
        (&gita, deal("Tyrell", "tyrell.de", "Berlin", "DE", "75,000")),
        (
            &sam,
            deal(
                "Stark Industries AG",
                "stark-industries.de",
                "Munich",
                "DE",
                "30,000",
            ),
        ),
    ] {
        let id = save_draft(db, who, None, &d).await.map_err(err)?;
        submit(db, who, id).await.map_err(err)?;
    }
    Ok(())
}

/// Synthetic partner organisations for load tests: `n` partners with varied types, tiers,
/// regions and statuses, inserted in one transaction. Returns how many were added.
pub async fn synthetic_partners(db: &Db, n: usize) -> Result<usize> {
    use app::domain::{OrgStatus, PartnerType, Region, Tier};
    let t = app::server::now();
    let mut tx = db.pool.begin().await?;
    for start in (0..n).step_by(SEED_BATCH) {
        let rows = SEED_BATCH.min(n - start);
        let sql = format!(
            "INSERT INTO orgs (slug, name, kind, partner_types, tier, region, status, created_at, \
             updated_at) VALUES {}",
            app::server::sql::value_rows(rows, 9)
        );
        let mut q = sqlx::query(&sql);
        for i in start..start + rows {
            q = q
                .bind(format!("load-partner-{t}-{i}"))
                .bind(format!("Load Partner {i:06}"))
                .bind("partner")
                .bind(PartnerType::ALL[i % PartnerType::ALL.len()].code())
                .bind(Tier::ALL[i % Tier::ALL.len()].code())
                .bind(Region::ALL[(i / 3) % Region::ALL.len()].code())
                .bind(OrgStatus::ALL[(i / 7) % OrgStatus::ALL.len()].code())
                .bind(t)
                .bind(t);
        }
        q.execute(&mut *tx).await?;
    }
    tx.commit().await?;
    Ok(n)
}

/// The id of the user with this email.
async fn user_id(db: &Db, email: &str) -> Result<i64> {
    use sqlx::Row;
    Ok(sqlx::query("SELECT id FROM users WHERE email = $1")
        .bind(email)
        .fetch_one(&db.pool)
        .await
        .map_err(|e| anyhow!("{email}: {e} (seed --demo first)"))?
        .try_get(0)?)
}

/// Rows inserted per statement by the synthetic seeds.
const SEED_BATCH: usize = 500;

/// Adds `n` synthetic deal registrations (for load tests), two of three by Northwind MSP's
/// sales rep and one by Contoso Reseller's admin, with varied values and dates. Statuses
/// are spread as in a programme that works its queue: 3% waiting for review, 2% asked for
/// information, the rest decided or closed. Needs the demo data.
pub async fn synthetic_deals(db: &Db, n: usize) -> Result<usize> {
    use sqlx::Row;
    let sam = user_id(db, "sam@northwind.example").await?;
    let carla = user_id(db, "carla@contoso.example").await?;
    let org_of = |user: i64| async move {
        let org: i64 = sqlx::query("SELECT org_id FROM users WHERE id = $1")
            .bind(user)
            .fetch_one(&db.pool)
            .await?
            .try_get(0)?;
        Ok::<i64, anyhow::Error>(org)
    };
    let (northwind, contoso) = (org_of(sam).await?, org_of(carla).await?);
    // Of each 100: (status, how many).
    let spread = [
        ("submitted", 2),
        ("under_review", 1),
        ("info_requested", 2),
        ("approved", 55),
        ("rejected", 15),
        ("won", 13),
        ("lost", 8),
        ("expired", 4),
    ];
    let statuses: Vec<&str> = spread
        .iter()
        .flat_map(|(s, k)| std::iter::repeat_n(*s, *k))
        .collect();
    let t = app::server::now();
    let mut tx = db.pool.begin().await?;
    for start in (0..n).step_by(SEED_BATCH) {
        let rows = SEED_BATCH.min(n - start);
        let sql = format!(
            "INSERT INTO deals (org_id, created_by, status, company, domain, country, value_minor, \
             currency, expected_close, created_at, updated_at) VALUES {}",
            app::server::sql::value_rows(rows, 11)
        );
        let mut q = sqlx::query(&sql);
        for i in start..start + rows {
            let (org, by) = if i % 3 == 2 {
                (contoso, carla)
            } else {
                (northwind, sam)
            };
            let at = t - (i as i64 % 50_000) * 60;
            q = q
                .bind(org)
                .bind(by)
                .bind(statuses[i % statuses.len()])
                .bind(format!("Load Customer {i:06}"))
                .bind(format!("load-customer-{i}.example"))
                .bind("DE")
                .bind(((i * 7_919) % 500_000) as i64 * 100)
                .bind("EUR")
                .bind(format!("2027-{:02}-{:02}", 1 + i % 12, 1 + i % 28))
                .bind(at)
                .bind(at);
        }
        q.execute(&mut *tx).await?;
    }
    tx.commit().await?;
    Ok(n)
}

/// Adds `n` synthetic notifications for the user with `email` (for load tests).
pub async fn synthetic_notifications(db: &Db, email: &str, n: usize) -> Result<usize> {
    let user = user_id(db, email).await?;
    let t = app::server::now();
    let mut tx = db.pool.begin().await?;
    for start in (0..n).step_by(SEED_BATCH) {
        let rows = SEED_BATCH.min(n - start);
        let sql = format!(
            "INSERT INTO notifications (user_id, subject_type, subject_id, kind, title, body, link, \
             created_at) VALUES {}",
            app::server::sql::value_rows(rows, 8)
        );
        let mut q = sqlx::query(&sql);
        for i in start..start + rows {
            q = q
                .bind(user)
                .bind("certification")
                .bind(i as i64)
                .bind("learning.expiring")
                .bind(format!("Load Certification {i:06}"))
                .bind("2027-01-31")
                .bind("/learning")
                .bind(t - (n - i) as i64);
        }
        q.execute(&mut *tx).await?;
    }
    tx.commit().await?;
    Ok(n)
}

/// Content library demo assets, uploaded by the vendor's marketer: PDFs with text to search,
/// aimed at different tiers, partner types, stages and languages, plus a link. Skipped when
/// the library has assets already. Returns how many assets the library holds.
pub async fn demo_content(db: &Db, files: &app::server::storage::Files) -> Result<usize> {
    use app::content::{AssetInput, files::simple_pdf, http::store_bytes, service};
    let existing: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM assets")
        .fetch_one(&db.pool)
        .await?;
    if existing > 0 {
        return Ok(existing as usize);
    }
    let marketer = app::auth::tokens::caller_for_email(db, "marketing@acme.example")
        .await
        .map_err(err)?;
    let items: [(&str, &str, &str, &str, &str, &str, &str); 6] = [
        // title, kind, text of the PDF (empty: a link), tiers, types, stages, language
        (
            "Zero Trust battlecard",
            "battlecard",
            "How to win against legacy VPN vendors: objection handling, pricing traps and proof points for firewall refresh projects.",
            "",
            "",
            "discovery,proposal",
            "en",
        ),
        (
            "Acme Cloud Enterprise datasheet",
            "datasheet",
            "Acme Cloud Enterprise: single sign-on, audit logging, 99.95 percent availability and data residency in the EU.",
            "",
            "",
            "qualify,discovery",
            "en",
        ),
        (
            "Gold partner co-marketing kit",
            "marketing_kit",
            "Co-branded email templates, social posts and a webinar script for Gold and Platinum partners. Market development funds apply.",
            "gold,platinum",
            "",
            "",
            "en",
        ),
        (
            "MSP managed security sales play",
            "sales_play",
            "Bundle Acme Cloud with managed detection and response. Discovery questions, pricing per seat and a migration plan.",
            "",
            "msp",
            "proposal,negotiation",
            "en",
        ),
        (
            "Kundenreferenz: Müller Logistik",
            "case_study",
            "Muller Logistik moved 4000 seats to Acme Cloud in six weeks and cut help desk tickets by 30 percent.",
            "",
            "",
            "negotiation,closing",
            "de",
        ),
        (
            "Acme Cloud product tour (video)",
            "training_aid",
            "",
            "",
            "",
            "qualify",
            "en",
        ),
    ];
    let mut n = 0;
    for (title, kind, text, tiers, types, stages, language) in items {
        let input = AssetInput {
            title: title.into(),
            description: text
                .split(':')
                .next()
                .unwrap_or_default()
                .chars()
                .take(160)
                .collect(),
            kind: kind.into(),
            products: "Acme Cloud Enterprise".into(),
            stages: stages.into(),
            partner_types: types.into(),
            tiers: tiers.into(),
            language: language.into(),
            tags: if kind == "battlecard" {
                "security, competitive".into()
            } else {
                String::new()
            },
            link_url: if text.is_empty() {
                "https://video.example.com/acme-cloud-tour".into()
            } else {
                String::new()
            },
            published: true,
            ..Default::default()
        };
        let valid = service::validate(&input).map_err(err)?;
        let file = if text.is_empty() {
            None
        } else {
            let name = format!("{}.pdf", app::domain::Slug::from_name(title).as_str());
            Some(
                store_bytes(files, &name, simple_pdf(text))
                    .await
                    .map_err(err)?,
            )
        };
        service::create(db, &marketer, &valid, file.as_ref())
            .await
            .map_err(err)?;
        n += 1;
    }
    Ok(n)
}

/// The demo course's question bank (in the course form's text format).
const DEMO_BANK: &str = "? Who may register a deal?\ntopic: Deal registration\n- Any visitor\n* A partner's sales people and admins\n- Only vendor staff\n\n\
? A registration protects the partner's claim on the opportunity.\ntopic: Deal registration\n* True\n- False\n\n\
? Which happen when the vendor approves a registration?\ntopic: Review\n* The partner is told\n* The protection period starts\n- The deal closes\n\n\
? Where do partners find co-branded material?\ntopic: Content\n- In email only\n* In the content library\n- Nowhere\n";

/// The demo learning data: a published course with a quiz, the certification it earns,
/// a partner salesperson holding an active credential and a partner admin whose
/// credential was revoked. Credentials name the deployment's public URL, so this needs
/// it. Idempotent.
pub async fn demo_learning(db: &Db, public_url: &str) -> Result<()> {
    use app::learning::awards::{self, Holder};
    let exists: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM courses")
        .fetch_one(&db.pool)
        .await?;
    if exists > 0 {
        return Ok(());
    }
    let admin = app::auth::tokens::caller_for_email(db, "admin@acme.example")
        .await
        .map_err(err)?;
    let input = app::learning::CourseInput {
        title: "Partner Sales Essentials".into(),
        summary: "How deal registration, review and the content library work for partners.".into(),
        lessons: vec![
            app::learning::LessonInput {
                module: "Co-selling".into(),
                title: "Registering a deal".into(),
                body: "## Why register\n\nA **registration** protects your claim on an opportunity.\n\n1. Open *Deals* and choose *Register a deal*.\n2. Check the conflict result while you type.\n3. Submit: the channel manager reviews it.".into(),
                ..Default::default()
            },
            app::learning::LessonInput {
                module: "Co-marketing".into(),
                title: "Finding content".into(),
                body: "The **content library** holds co-brandable material, filtered to what your tier and region may use.".into(),
                ..Default::default()
            },
        ],
        questions: DEMO_BANK.into(),
        draw_count: "4".into(),
        pass_percent: "75".into(),
        max_attempts: "3".into(),
        cooldown_minutes: "0".into(),
        time_limit_minutes: "0".into(),
        publish: true,
        certification_name: "Certified Partner Seller".into(),
        certification_validity_days: "365".into(),
        tier_requirements: "gold=2,platinum=3".into(),
    };
    let now = app::server::now();
    let course = app::learning::service::create(db, &admin, &input, now)
        .await
        .map_err(err)?;
    app::learning::paths::create(
        db,
        &admin,
        &app::learning::PathInput {
            name: "Partner onboarding".into(),
            courses: vec![course.to_string()],
            due_days: "30".into(),
            ..Default::default()
        },
        now,
    )
    .await
    .map_err(err)?;
    let cert = awards::certification_of_course(db, course)
        .await
        .map_err(err)?
        .ok_or_else(|| anyhow!("the demo certification is missing"))?;
    for (email, revoke) in [
        ("sam@northwind.example", false),
        ("nina@northwind.example", true),
    ] {
        let holder = app::auth::tokens::caller_for_email(db, email)
            .await
            .map_err(err)?;
        let id = awards::issue(
            db,
            public_url,
            &cert,
            &Holder {
                user_id: holder.user_id,
                org_id: holder.org_id,
                name: holder.name.clone(),
                email: holder.email.clone(),
            },
            now,
        )
        .await
        .map_err(err)?;
        if revoke {
            awards::revoke(
                db,
                app::policy::Actor::Operator,
                &id,
                "Demo: issued in error",
                now,
            )
            .await
            .map_err(err)?;
        }
    }
    Ok(())
}
