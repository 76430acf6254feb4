//! The demo campaign: a published template for every partner tier with two touches, an
//! editable body, a landing page and a social post; Northwind's brand kit and three
//! contacts (one without consent). Idempotent.

use anyhow::{Result, anyhow};
use app::campaigns::{BrandKit, ContactInput, RegionSpec, SocialPost, TemplateInput, TouchInput};
use app::server::db::Db;

/// The header is the vendor's (locked); the body region is the partner's.
pub const DEMO_MJML: &str = r##"<mjml>
  <mj-body background-color="#f4f5f7">
    <mj-section background-color="{{partner.color}}">
      <mj-column><mj-text color="#ffffff" font-size="20px" font-weight="bold">{{partner.name}} × Acme Cloud</mj-text></mj-column>
    </mj-section>
    <mj-section background-color="#ffffff">
      <mj-column>
        <mj-text font-size="16px">Hello {{contact.first_name}},</mj-text>
        <mj-text font-size="16px">{{region:body}}</mj-text>
        <mj-button background-color="{{partner.color}}" href="{{landing_url}}">Book a demo</mj-button>
        <mj-text>{{sender.name}}<br />{{sender.signature}}</mj-text>
      </mj-column>
    </mj-section>
  </mj-body>
</mjml>"##;

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
    app::campaigns::service::create_template(
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
            publish: true,
            ..Default::default()
        },
        now,
    )
    .await
    .map_err(err)?;
    let nina = app::auth::tokens::caller_for_email(db, "nina@northwind.example")
        .await
        .map_err(err)?;
    app::campaigns::service::save_brand_kit(
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
        app::campaigns::service::save_contact(
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
