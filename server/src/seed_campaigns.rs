//! The demo campaign: a published template for every partner tier with two touches (in
//! English, and its German translation), an
//! editable body, a landing page and a social post; Northwind's brand kit and three
//! contacts (one without consent). Idempotent.

use anyhow::{Result, anyhow};
use app::campaigns::{BrandKit, ContactInput, RegionSpec, SocialPost, TemplateInput, TouchInput};
use app::server::db::Db;

/// The header is the vendor's (locked); the body region is the partner's.
pub const DEMO_MJML: &str = app::campaigns::STARTER_MJML;

pub async fn demo_campaigns(db: &Db) -> Result<()> {
    let err = |e: app::error::AppError| anyhow!("{e:?}");
    let exists: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM campaign_templates")
        .fetch_one(&db.pool)
        .await?;
    if exists > 0 {
        return Ok(());
    }
    let marketer = app::auth::tokens::caller_for_email(db, "marketing@acme.example")
        .await
        .map_err(err)?;
    let now = app::server::now();
    let touch = |subject: &str, delay: &str| TouchInput {
        subject: subject.into(),
        delay_days: delay.into(),
        mjml: DEMO_MJML.into(),
    };
    let english = app::campaigns::templates::create_template(
        db,
        &marketer,
        &TemplateInput {
            name: "Cloud migration in 30 days".into(),
            description: "A two-email sequence and a landing page offering a migration assessment."
                .into(),
            language: "en".into(),
            editable: vec![RegionSpec {
                name: "body".into(),
                label: "Your message".into(),
                default: "Moving to Acme Cloud takes 30 days with our migration assessment. \
                          Book a slot and we will map your workloads with you."
                    .into(),
                max_len: 800,
            }],
            touches: vec![
                touch(
                    "{{contact.first_name}}, your 30-day path to Acme Cloud",
                    "0",
                ),
                touch("A migration slot is still open", "3"),
            ],
            landing_title: "Book your migration assessment with {{partner.name}}".into(),
            landing_body: "In one hour, **{{partner.name}}** maps your workloads and gives you a \
                           30-day plan. Leave your details and we will call you."
                .into(),
            social_posts: vec![SocialPost {
                text: "Moving to the cloud? We map your workloads in one hour.".into(),
                image_url: String::new(),
                link: String::new(),
            }],
            one_pager_title: "Your 30-day path to Acme Cloud, with {{partner.name}}".into(),
            one_pager_body: "{{region:body}}\n\n\
                             What the assessment gives you:\n\
                             - a map of your workloads and what they depend on\n\
                             - a 30-day migration plan with fixed milestones\n\
                             - a cost comparison before you commit\n\n\
                             Call {{partner.phone}} or visit {{partner.website}} to book a slot."
                .into(),
            publish: true,
            ..Default::default()
        },
        now,
    )
    .await
    .map_err(err)?;
    // The same campaign in German: partners pick the language.
    let german_mjml = DEMO_MJML
        .replace(
            "Hello {{contact.first_name}},",
            "Hallo {{contact.first_name}},",
        )
        .replace("Book a demo", "Demo buchen");
    let touch_de = |subject: &str, delay: &str| TouchInput {
        subject: subject.into(),
        delay_days: delay.into(),
        mjml: german_mjml.clone(),
    };
    app::campaigns::templates::create_template(
        db,
        &marketer,
        &TemplateInput {
            name: "Cloud-Migration in 30 Tagen".into(),
            description:
                "Zwei E-Mails und eine Landingpage mit einem Angebot zur Migrationsanalyse.".into(),
            language: "de".into(),
            editable: vec![RegionSpec {
                name: "body".into(),
                label: "Ihre Nachricht".into(),
                default: "Der Umzug zu Acme Cloud dauert mit unserer Migrationsanalyse 30 Tage. \
                          Buchen Sie einen Termin, und wir erfassen Ihre Workloads gemeinsam."
                    .into(),
                max_len: 800,
            }],
            touches: vec![
                touch_de("{{contact.first_name}}, Ihr 30-Tage-Weg zu Acme Cloud", "0"),
                touch_de("Ein Migrationstermin ist noch frei", "3"),
            ],
            landing_title: "Buchen Sie Ihre Migrationsanalyse bei {{partner.name}}".into(),
            landing_body: "In einer Stunde erfasst **{{partner.name}}** Ihre Workloads und gibt \
                           Ihnen einen 30-Tage-Plan. Hinterlassen Sie Ihre Daten, wir rufen an."
                .into(),
            one_pager_title: "Ihr 30-Tage-Weg zu Acme Cloud, mit {{partner.name}}".into(),
            one_pager_body: "{{region:body}}\n\n\
                             Was Ihnen die Analyse bringt:\n\
                             - eine Übersicht Ihrer Workloads und ihrer Abhängigkeiten\n\
                             - einen 30-Tage-Migrationsplan mit festen Meilensteinen\n\
                             - einen Kostenvergleich, bevor Sie sich festlegen\n\n\
                             Rufen Sie {{partner.phone}} an oder besuchen Sie {{partner.website}}."
                .into(),
            publish: true,
            translation_of: Some(english),
            ..Default::default()
        },
        now,
    )
    .await
    .map_err(err)?;
    let nina = app::auth::tokens::caller_for_email(db, "nina@northwind.example")
        .await
        .map_err(err)?;
    app::campaigns::brand::save_brand_kit(
        db,
        &nina,
        &BrandKit {
            display_name: "Northwind MSP".into(),
            primary_color: "#0a4d8c".into(),
            postal_address: "1 Harbour Road, London E14 5AB, United Kingdom".into(),
            phone: "+44 20 7946 0000".into(),
            website: "https://northwind.example".into(),
            sender_name: "Nina Berger".into(),
            sender_email: "nina@northwind.example".into(),
            signature: "Partner Manager, Northwind MSP".into(),
            ..Default::default()
        },
        now,
    )
    .await
    .map_err(err)?;
    for (email, first, consent) in [
        ("ada@customer.example", "Ada", true),
        ("grace@customer.example", "Grace", true),
        ("linus@customer.example", "Linus", false),
    ] {
        app::campaigns::contacts::save_contact(
            db,
            &nina,
            &ContactInput {
                email: email.into(),
                first_name: first.into(),
                consent,
                consent_source: "manual".into(),
                ..Default::default()
            },
            now,
        )
        .await
        .map_err(err)?;
    }
    Ok(())
}
