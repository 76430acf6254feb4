//! Campaign approval and the co-branded one-pager, on both backends: a template that asks
//! for approval holds back launches whose texts were edited (nothing is sent) until vendor
//! campaign staff approve (sent, due times moved) or send it back with a note (never sent);
//! only they may decide, once. The one-pager is a PDF with the partner's brand that an
//! independent parser reads back, with the uploaded logo embedded.

#![allow(clippy::unwrap_used)]

mod common;

use app::campaigns::{
    LaunchInput, LaunchReview, LaunchStatus, Recipients, approval, sending, templates,
};
use common::{Backend, TestApp, api, client, spawn_app, token};
use reqwest::StatusCode;
use serde_json::json;

async fn caller(app: &TestApp, email: &str) -> app::auth::Caller {
    app::auth::tokens::caller_for_email(&app.db, email)
        .await
        .unwrap()
}

async fn demo_template(app: &TestApp) -> i64 {
    app.scalar(
        "SELECT MIN(id) FROM campaign_templates WHERE status = $1",
        "published",
    )
    .await
}

fn edited(body: &str, starts_at: i64) -> LaunchInput {
    LaunchInput {
        contacts: Recipients::All("all".into()),
        regions: [("body".to_string(), body.to_string())].into(),
        starts_at: Some(starts_at),
        ..Default::default()
    }
}

async fn approval_holds_edited_launches(backend: Backend) {
    let app = spawn_app(backend).await;
    app.worker.abort();
    let nina = caller(&app, "nina@northwind.example").await;
    let marketer = caller(&app, "marketing@acme.example").await;
    let template = demo_template(&app).await;
    let t = app::server::now();
    let mut detail = templates::detail(&app.db, &marketer, template)
        .await
        .unwrap();
    assert!(!detail.template.approval_required);
    detail.template.approval_required = true;
    templates::update_template(&app.db, &marketer, template, &detail.template, t)
        .await
        .unwrap();

    // The default texts need no approval.
    let plain = sending::launch(
        &app.db,
        &nina,
        template,
        &LaunchInput {
            contacts: Recipients::All("all".into()),
            starts_at: Some(t + 100),
            ..Default::default()
        },
        t,
    )
    .await
    .unwrap();
    let view = sending::view(&app.db, &nina, plain).await.unwrap();
    assert_eq!(view.status, LaunchStatus::Scheduled);

    // Edited texts wait: nothing goes out, and the vendor's campaign staff are told.
    let held = sending::launch(
        &app.db,
        &nina,
        template,
        &edited("Our own words", t + 100),
        t,
    )
    .await
    .unwrap();
    let view = sending::view(&app.db, &nina, held).await.unwrap();
    assert_eq!(view.status, LaunchStatus::PendingApproval);
    assert_eq!(view.regions["body"], "Our own words");
    assert_eq!(
        sending::send_due(&app.state, held, t + 10 * 86_400)
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        app.scalar(
            &format!(
                "SELECT COUNT(*) FROM campaign_sends WHERE launch_id = {held} AND status <> $1"
            ),
            "queued"
        )
        .await,
        0
    );
    let told: i64 = app
        .scalar(
            "SELECT COUNT(*) FROM notifications n JOIN users u ON u.id = n.user_id \
             WHERE n.kind = $1 AND u.email = 'marketing@acme.example'",
            "launch.notify_pending",
        )
        .await;
    assert_eq!(told, 1);
    let pending = approval::pending(&app.db, &marketer, template)
        .await
        .unwrap();
    assert_eq!(pending.iter().map(|l| l.id).collect::<Vec<_>>(), vec![held]);

    // Only vendor campaign staff decide: the partner, another partner, a channel manager
    // are refused; another partner does not even see the launch.
    let path = format!("/api/v1/launches/{held}/review");
    let approve = json!({ "approve": true });
    for who in [
        "nina@northwind.example",
        "carla@contoso.example",
        "cam@acme.example",
    ] {
        let (status, body, _) = api(
            &app,
            "POST",
            &path,
            &token(&app, who).await,
            Some(approve.clone()),
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{who}: {body}");
    }
    let (status, _, _) = api(
        &app,
        "GET",
        &format!("/api/v1/launches/{held}"),
        &token(&app, "carla@contoso.example").await,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let vendor = token(&app, "marketing@acme.example").await;
    // Sending back needs a note.
    let (status, body, _) = api(
        &app,
        "POST",
        &path,
        &vendor,
        Some(json!({ "approve": false })),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body["errors"]["note"].is_array(), "{body}");
    let (status, body, _) = api(
        &app,
        "POST",
        &path,
        &vendor,
        Some(json!({ "approve": "yes" })),
    )
    .await;
    assert!(status.is_client_error(), "{body}");

    // Approved a day after its start: every touch moves by the wait, then it is sent.
    let later = t + 100 + 86_400;
    let view = approval::review(
        &app.db,
        &marketer,
        held,
        &LaunchReview {
            approve: true,
            note: "Fine".into(),
        },
        later,
    )
    .await
    .unwrap();
    assert_eq!(view.status, LaunchStatus::Scheduled);
    let first_due: i64 = app
        .scalar(
            &format!(
                "SELECT MIN(due_at) FROM campaign_sends WHERE launch_id = {held} AND status = $1"
            ),
            "queued",
        )
        .await;
    assert_eq!(first_due, later);
    assert_eq!(
        sending::send_due(&app.state, held, later - 1)
            .await
            .unwrap(),
        0,
        "nothing before the new start"
    );
    assert_eq!(sending::send_due(&app.state, held, later).await.unwrap(), 2);
    // Decided once: a second decision is a conflict.
    let (status, body, _) = api(&app, "POST", &path, &vendor, Some(approve.clone())).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");

    // Sent back: never sent, the partner reads why.
    let back = sending::launch(
        &app.db,
        &nina,
        template,
        &edited("Cheapest cloud ever!!!", t + 100),
        t,
    )
    .await
    .unwrap();
    let (status, body, _) = api(
        &app,
        "POST",
        &format!("/api/v1/launches/{back}/review"),
        &vendor,
        Some(json!({ "approve": false, "note": "No superlatives, please." })),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "rejected");
    assert_eq!(
        sending::send_due(&app.state, back, t + 30 * 86_400)
            .await
            .unwrap(),
        0
    );
    let view = sending::view(&app.db, &nina, back).await.unwrap();
    assert_eq!((view.status, view.queued), (LaunchStatus::Rejected, 0));
    assert_eq!(view.review_note, "No superlatives, please.");
    let told: i64 = app
        .scalar(
            "SELECT COUNT(*) FROM notifications n JOIN users u ON u.id = n.user_id \
             WHERE n.kind = $1 AND u.email = 'nina@northwind.example'",
            "launch.notify_rejected",
        )
        .await;
    assert_eq!(told, 1);
    let audited: i64 = app
        .scalar(
            "SELECT COUNT(*) FROM audit_events WHERE action LIKE $1",
            "campaign.launch_%",
        )
        .await;
    assert_eq!(audited, 2, "approve and reject are audited");
}

/// A PNG `w`×`h` in RGBA (a stored, uncompressed zlib stream; CRCs are not checked here).
fn png(w: u32, h: u32) -> Vec<u8> {
    let mut raw = Vec::new();
    for y in 0..h {
        raw.push(0);
        for x in 0..w {
            raw.extend_from_slice(&[
                (x * 12) as u8,
                (y * 12) as u8,
                200,
                if x < 2 { 0 } else { 255 },
            ]);
        }
    }
    let (mut a, mut b) = (1u32, 0u32);
    for v in &raw {
        a = (a + u32::from(*v)) % 65_521;
        b = (b + a) % 65_521;
    }
    let len = raw.len() as u16;
    let mut z = vec![0x78, 0x01, 0x01];
    z.extend_from_slice(&len.to_le_bytes());
    z.extend_from_slice(&(!len).to_le_bytes());
    z.extend_from_slice(&raw);
    z.extend_from_slice(&((b << 16) | a).to_be_bytes());
    let chunk = |name: &[u8], data: &[u8]| {
        let mut c = (data.len() as u32).to_be_bytes().to_vec();
        c.extend_from_slice(name);
        c.extend_from_slice(data);
        c.extend_from_slice(&[0, 0, 0, 0]);
        c
    };
    let mut ihdr = w.to_be_bytes().to_vec();
    ihdr.extend_from_slice(&h.to_be_bytes());
    ihdr.extend_from_slice(&[8, 6, 0, 0, 0]);
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    out.extend(chunk(b"IHDR", &ihdr));
    out.extend(chunk(b"IDAT", &z));
    out.extend(chunk(b"IEND", &[]));
    out
}

async fn co_branded_one_pager(backend: Backend) {
    use reqwest::multipart::{Form, Part};
    let app = spawn_app(backend).await;
    app.worker.abort();
    let template = demo_template(&app).await;
    let nina = token(&app, "nina@northwind.example").await;
    let path = format!("/api/v1/campaigns/{template}/one-pager.pdf");
    let get = |tok: String, path: String| {
        let url = app.url(&path);
        async move {
            let res = client().get(url).bearer_auth(tok).send().await.unwrap();
            let status = res.status();
            let kind = res
                .headers()
                .get("content-type")
                .map(|v| v.to_str().unwrap().to_string())
                .unwrap_or_default();
            (status, kind, res.bytes().await.unwrap().to_vec())
        }
    };
    // The partner's brand, the template's text with the region's default, read back by an
    // independent PDF parser.
    let (status, kind, pdf) = get(nina.clone(), path.clone()).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(kind, "application/pdf");
    assert!(pdf.starts_with(b"%PDF-1.4"));
    let text = app::content::files::pdf_text(pdf.clone()).await;
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains("Northwind"), "{flat}");
    assert!(flat.contains("In partnership with Acme"), "{flat}");
    assert!(flat.contains("Your 30-day path to Acme Cloud"), "{flat}");
    assert!(
        flat.contains("migration assessment"),
        "the region's default: {flat}"
    );
    assert!(flat.contains("1 Harbour Road"), "{flat}");
    assert!(!String::from_utf8_lossy(&pdf).contains("/Subtype /Image"));

    // The German version keeps its umlauts.
    let german: i64 = app
        .scalar(
            &format!("SELECT id FROM campaign_templates WHERE translation_of = {template} AND language = $1"),
            "de",
        )
        .await;
    let (status, _, pdf) = get(
        nina.clone(),
        format!("/api/v1/campaigns/{german}/one-pager.pdf"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let text = app::content::files::pdf_text(pdf).await;
    assert!(text.contains("Übersicht"), "{text}");
    assert!(text.contains("In Partnerschaft mit"), "{text}");

    // With an uploaded logo, the PDF embeds it (colour and a soft mask for its alpha).
    let form = Form::new().part(
        "logo",
        Part::bytes(png(40, 20))
            .file_name("logo.png")
            .mime_str("image/png")
            .unwrap(),
    );
    let res = client()
        .post(app.url("/api/v1/brand-kit/logo"))
        .bearer_auth(&nina)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let (_, _, pdf) = get(nina.clone(), path.clone()).await;
    let raw = String::from_utf8_lossy(&pdf);
    assert!(
        raw.contains("/Subtype /Image /Width 40 /Height 20"),
        "logo embedded"
    );
    assert!(raw.contains("/SMask"), "alpha kept");
    assert!(
        app::content::files::pdf_text(pdf)
            .await
            .contains("Northwind")
    );

    // A launch's own texts: only the caller's organisation's launch.
    let nina_c = caller(&app, "nina@northwind.example").await;
    let t = app::server::now();
    let launch = sending::launch(
        &app.db,
        &nina_c,
        template,
        &edited("Quokkazebra migration week", t + 100),
        t,
    )
    .await
    .unwrap();
    let (_, _, pdf) = get(nina.clone(), format!("{path}?launch={launch}")).await;
    assert!(
        app::content::files::pdf_text(pdf)
            .await
            .contains("Quokkazebra")
    );
    let carla = token(&app, "carla@contoso.example").await;
    let (status, _, _) = get(carla.clone(), format!("{path}?launch={launch}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _, _) = get(carla.clone(), format!("{path}?launch=abc")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    // Contoso gets its own brand, never Northwind's.
    let (status, _, pdf) = get(carla, path.clone()).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        !app::content::files::pdf_text(pdf)
            .await
            .contains("Northwind")
    );
    // Vendor staff choose the partner; an unknown one is not found.
    let admin = token(&app, "admin@acme.example").await;
    let (status, _, pdf) = get(admin.clone(), format!("{path}?as_partner=northwind-msp")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        app::content::files::pdf_text(pdf)
            .await
            .contains("Northwind MSP")
    );
    let (status, _, _) = get(admin, format!("{path}?as_partner=no-such-partner")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // No session, no PDF; a template without a one-pager has none.
    let res = client().get(app.url(&path)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let marketer = caller(&app, "marketing@acme.example").await;
    let mut detail = templates::detail(&app.db, &marketer, template)
        .await
        .unwrap();
    detail.template.one_pager_title = String::new();
    detail.template.one_pager_body = String::new();
    templates::update_template(&app.db, &marketer, template, &detail.template, t)
        .await
        .unwrap();
    let (status, _, _) = get(nina, path).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

both_backends!(approval_holds_edited_launches, co_branded_one_pager);
