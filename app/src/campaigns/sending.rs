//! Launching a campaign and sending it. A launch makes one `campaign_sends` row per
//! recipient and touch (unique), skipping and counting contacts without consent and
//! suppressed ones. The `campaigns.send` job sends what is due: each send is claimed with a
//! guarded update and its message recorded in the mail outbox in the same transaction, so
//! a crash or restart never loses a message and never sends one twice. At most
//! `TRELLIS_CAMPAIGN_RATE_PER_MINUTE` messages a minute per partner (600 unless set); the
//! rest wait for the next run.

use super::links;
use super::render::{self, Context, Recipient};
use super::store;
use super::templates::visible_template;
use super::{LaunchInput, LaunchStatus, LaunchView, Recipients};
use crate::auth::Caller;
use crate::error::{AppError, Problems};
use crate::policy::Action;
use crate::server::AppState;
use crate::server::db::Db;
use crate::server::jobs::{self, Enqueue, Job};
use std::collections::BTreeMap;

pub const SEND_JOB: &str = "campaigns.send";
const DAY: i64 = 86_400;

/// Queues the next run of a launch's sending (in the caller's transaction or not).
pub(super) async fn queue<'e, E>(exec: E, launch_id: i64, at: i64) -> Result<(), AppError>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    jobs::enqueue(
        exec,
        SEND_JOB,
        &serde_json::json!({ "launch_id": launch_id }),
        Enqueue {
            run_at: Some(at),
            max_attempts: 10,
            // One pending run per launch and minute is enough.
            dedupe_key: Some(format!("{SEND_JOB}:{launch_id}:{}", at / 60)),
        },
    )
    .await?;
    Ok(())
}

/// Launches a template to the caller's contacts now or at `starts_at`. Refused until the
/// brand kit holds what the template needs. Returns the launch id.
pub async fn launch(
    db: &Db,
    c: &Caller,
    template_id: i64,
    input: &LaunchInput,
    now: i64,
) -> Result<i64, AppError> {
    c.require(Action::LaunchCampaigns)?;
    let template = visible_template(db, c, template_id).await?;
    let editable = template.editable();
    let touches = store::touches(db, template_id).await?;
    let brand = store::brand_kit(db, c.org_id).await?.unwrap_or_default();
    let mut p = Problems::new();
    // The brand kit: what every email needs, and every partner field the template uses.
    let mut needed: Vec<&str> = vec![
        "partner.name",
        "partner.address",
        "sender.name",
        "sender.email",
    ];
    for t in &touches {
        for tok in render::tokens(&t.mjml)
            .into_iter()
            .chain(render::tokens(&t.subject))
        {
            if let render::Token::Field(f) = tok
                && let Some(known) = render::FIELDS.iter().find(|k| **k == f)
                && (known.starts_with("partner.") || known.starts_with("sender."))
                // A signature may be empty.
                && *known != "sender.signature"
                && !needed.contains(known)
            {
                needed.push(known);
            }
        }
    }
    for field in needed {
        let value = match field {
            "partner.name" => &brand.display_name,
            "partner.logo_url" => &brand.logo_url,
            "partner.color" => &brand.primary_color,
            "partner.address" => &brand.postal_address,
            "partner.phone" => &brand.phone,
            "partner.website" => &brand.website,
            "sender.name" => &brand.sender_name,
            "sender.email" => &brand.sender_email,
            _ => &brand.signature,
        };
        if value.is_empty() {
            p.add(&format!("brand.{field}"), "err.brand_kit_missing");
        }
    }
    for (name, value) in &input.regions {
        match editable.iter().find(|r| &r.name == name) {
            None => p.add(&format!("regions.{name}"), "err.region_unknown"),
            Some(spec) => {
                if value.chars().count() as i64 > spec.max_len {
                    p.add(&format!("regions.{name}"), "err.too_long");
                }
                if value
                    .chars()
                    .any(|c| c.is_control() && c != '\n' && c != '\r')
                    || value.contains(render::MARK_STEM)
                {
                    p.add(&format!("regions.{name}"), "err.invalid_chars");
                }
            }
        }
    }
    let chosen = match &input.contacts {
        Recipients::All(s) if s == "all" => store::contacts(db, c.org_id, None).await?,
        Recipients::All(_) => {
            p.add("contacts", "err.choice_invalid");
            Vec::new()
        }
        Recipients::Ids(ids) if ids.is_empty() => {
            p.add("contacts", "err.pick_one");
            Vec::new()
        }
        Recipients::Ids(ids) if ids.len() > 100_000 => {
            p.add("contacts", "err.too_many");
            Vec::new()
        }
        Recipients::Ids(ids) => {
            let found = store::contacts(db, c.org_id, Some(ids)).await?;
            // Another partner's contact, or none at all: the same answer.
            if found.len() != ids.iter().collect::<std::collections::BTreeSet<_>>().len() {
                p.add("contacts", "err.contact_unknown");
            }
            found
        }
    };
    // A list narrows the chosen contacts to those with its tag.
    let list = input.list.trim().to_lowercase();
    let chosen: Vec<store::ContactRow> = if list.is_empty() {
        chosen
    } else if list.len() > 40 || list.contains(',') || list.chars().any(char::is_control) {
        p.add("list", "err.tag_invalid");
        Vec::new()
    } else {
        let tag = format!(",{list},");
        let on_list: Vec<_> = chosen
            .into_iter()
            .filter(|c| c.tags.contains(&tag))
            .collect();
        if on_list.is_empty() {
            p.add("list", "err.list_empty");
        }
        on_list
    };
    p.into_result()?;
    let suppressed = store::suppressed(db, c.org_id).await?;
    let starts_at = input.starts_at.filter(|t| *t > now).unwrap_or(now);
    let pending = super::approval::needed(&template, &input.regions);
    let mut tx = db.pool.begin().await?;
    let launch_id: i64 = sqlx::query_scalar(
        "INSERT INTO campaign_launches (template_id, org_id, created_by, region_values, status, \
         starts_at, created_at, list_tag, track_opens) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
         RETURNING id",
    )
    .bind(template_id)
    .bind(c.org_id)
    .bind(c.user_id)
    .bind(serde_json::to_string(&input.regions).unwrap_or_default())
    .bind(if pending {
        LaunchStatus::PendingApproval.code()
    } else {
        LaunchStatus::Scheduled.code()
    })
    .bind(starts_at)
    .bind(now)
    .bind(&list)
    .bind(i64::from(input.track_opens))
    .fetch_one(&mut *tx)
    .await?;
    let (mut recipients, mut no_consent, mut blocked) = (0i64, 0i64, 0i64);
    let suppressed: std::collections::HashSet<&str> =
        suppressed.iter().map(String::as_str).collect();
    // (contact, touch position, due) of every send, written 500 rows a statement.
    let mut sends: Vec<(i64, i64, i64)> = Vec::new();
    for contact in &chosen {
        if contact.consent != 1 || contact.unsubscribed_at.is_some() {
            no_consent += 1;
            continue;
        }
        if suppressed.contains(contact.email.as_str()) {
            blocked += 1;
            continue;
        }
        recipients += 1;
        let mut due = starts_at;
        for t in &touches {
            due += t.delay_days * DAY;
            sends.push((contact.id, t.position, due));
        }
    }
    for chunk in sends.chunks(500) {
        let sql = format!(
            "INSERT INTO campaign_sends (launch_id, contact_id, position, due_at, status) VALUES {}",
            crate::server::sql::value_rows(chunk.len(), 5)
        );
        let mut q = sqlx::query(&sql);
        for (contact, position, due) in chunk {
            q = q
                .bind(launch_id)
                .bind(*contact)
                .bind(*position)
                .bind(*due)
                .bind("queued");
        }
        q.execute(&mut *tx).await?;
    }
    sqlx::query(
        "UPDATE campaign_launches SET recipients = $1, skipped_no_consent = $2, \
         skipped_suppressed = $3 WHERE id = $4",
    )
    .bind(recipients)
    .bind(no_consent)
    .bind(blocked)
    .bind(launch_id)
    .execute(&mut *tx)
    .await?;
    crate::server::audit::record(
        &mut *tx,
        crate::server::audit::AuditEvent {
            actor: crate::policy::Actor::User(c),
            org_id: Some(c.org_id),
            action: "campaign.launch",
            entity_type: "campaign_launch",
            entity_id: launch_id.to_string(),
            before: None,
            after: Some(serde_json::json!({
                "template": template_id,
                "recipients": recipients,
                "list": list,
                "starts_at": starts_at,
                "track_opens": input.track_opens,
                "pending_approval": pending,
            })),
        },
    )
    .await?;
    if pending {
        super::approval::ask(&mut tx, launch_id, &template).await?;
    } else {
        // In the launch's transaction: a launch committed is a launch that will be sent.
        queue(&mut *tx, launch_id, starts_at).await?;
    }
    tx.commit().await?;
    Ok(launch_id)
}

#[derive(sqlx::FromRow)]
struct DueSend {
    id: i64,
    position: i64,
    email: String,
    first_name: String,
    last_name: String,
    company: String,
    consent: i64,
    unsubscribed_at: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct LaunchRow {
    #[sqlx(try_from = "String")]
    status: LaunchStatus,
    template_id: i64,
    org_id: i64,
    region_values: String,
    track_opens: i64,
}

/// The job's handler.
pub async fn run_send_job(state: AppState, job: Job) -> Result<(), String> {
    let launch = job.payload["launch_id"]
        .as_i64()
        .ok_or("the job names no launch")?;
    let now = job.payload["now"]
        .as_i64()
        .unwrap_or_else(crate::server::now);
    send_due(&state, launch, now)
        .await
        .map(|_| ())
        .map_err(|e| e.to_string())
}

/// Messages written and delivered together: one transaction, then one delivery round.
const BATCH: i64 = 500;

/// Sends what is due of a launch, at most the partner's rate a minute (over all its
/// launches); queues the next run for the rest or the next touch. Each touch's MJML is
/// rendered once per run and filled in per recipient. A batch of sends is claimed (guarded
/// update) and its messages written to the outbox in one transaction, then delivered to
/// the SMTP relay over pooled connections while the next batch is written; a batch whose
/// run stopped before delivering is taken over later. Returns how many messages went to the outbox.
pub async fn send_due(state: &AppState, launch_id: i64, now: i64) -> Result<usize, AppError> {
    let db = &state.db;
    let Some(launch): Option<LaunchRow> = sqlx::query_as(
        "SELECT status, template_id, org_id, region_values, track_opens FROM campaign_launches \
         WHERE id = $1",
    )
    .bind(launch_id)
    .fetch_optional(&db.pool)
    .await?
    else {
        return Ok(0);
    };
    // Nothing of a launch waiting for approval, or sent back, goes out.
    if matches!(
        launch.status,
        LaunchStatus::PendingApproval | LaunchStatus::Rejected
    ) {
        return Ok(0);
    }
    sqlx::query("UPDATE campaign_launches SET status = $1 WHERE id = $2 AND status = $3")
        .bind(LaunchStatus::Sending.code())
        .bind(launch_id)
        .bind(LaunchStatus::Scheduled.code())
        .execute(&db.pool)
        .await?;
    let smtp = state.config.smtp_url.is_some();
    // First what an earlier run wrote but did not live to deliver.
    if smtp {
        let left: Vec<i64> = sqlx::query_scalar(
            "SELECT o.id FROM campaign_sends s JOIN outbox o ON o.id = s.outbox_id \
             WHERE s.launch_id = $1 AND o.status = 'sending' AND o.claimed_at < $2",
        )
        .bind(launch_id)
        .bind(now - crate::server::mail::BATCH_LEASE_SECS)
        .fetch_all(&db.pool)
        .await?;
        let mine = crate::server::mail::reclaim(db, &left, now).await?;
        crate::server::mail::deliver_batch(state, &mine).await?;
    }
    let template = store::template(db, launch.template_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let editable = template.editable();
    let locale = crate::i18n::Locale::parse(&template.language).unwrap_or(crate::i18n::Locale::En);
    let touches = store::touches(db, launch.template_id).await?;
    let brand = store::brand_kit(db, launch.org_id)
        .await?
        .unwrap_or_default();
    let regions: BTreeMap<String, String> =
        serde_json::from_str(&launch.region_values).unwrap_or_default();
    let suppressed: std::collections::HashSet<String> = store::suppressed(db, launch.org_id)
        .await?
        .into_iter()
        .collect();
    let key = links::key(db).await?;
    let public = &state.config.public_url;
    let nobody = Recipient::default();
    let ctx = Context {
        brand: &brand,
        recipient: &nobody,
        landing_url: format!("{public}/l/{launch_id}"),
        unsubscribe_url: String::new(),
        editable: &editable,
        region_values: &regions,
        locale,
    };
    // Each touch rendered once for this run (an error is kept and recorded per send).
    let prepared: BTreeMap<i64, Result<render::Prepared, render::RenderError>> = touches
        .iter()
        .map(|t| (t.position, render::prepare(&t.subject, &t.mjml, &ctx)))
        .collect();
    // This minute's budget of the partner, over all its launches.
    let sent_last_minute: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM campaign_sends s JOIN campaign_launches l ON l.id = s.launch_id \
         WHERE l.org_id = $1 AND s.status = 'sent' AND s.sent_at > $2",
    )
    .bind(launch.org_id)
    .bind(now - 60)
    .fetch_one(&db.pool)
    .await?;
    let mut budget = (state.config.campaign_rate_per_minute - sent_last_minute).max(0);
    let mut sent = 0;
    // The previous batch goes to the relay while the next one is written.
    let mut delivering: Option<tokio::task::JoinHandle<Result<usize, AppError>>> = None;
    while budget > 0 {
        let due: Vec<DueSend> = sqlx::query_as(
            "SELECT s.id, s.position, c.email, c.first_name, c.last_name, c.company, \
             c.consent, c.unsubscribed_at FROM campaign_sends s JOIN contacts c ON c.id = s.contact_id \
             WHERE s.launch_id = $1 AND s.status = 'queued' AND s.due_at <= $2 ORDER BY s.id LIMIT $3",
        )
        .bind(launch_id)
        .bind(now)
        .bind(budget.min(BATCH))
        .fetch_all(&db.pool)
        .await?;
        if due.is_empty() {
            break;
        }
        budget -= due.len() as i64;
        let mut tx = db.pool.begin().await?;
        let mut written = Vec::with_capacity(due.len());
        for d in &due {
            let touch = prepared.get(&d.position);
            // Consent can be withdrawn between the launch and a later touch, and the
            // template can lose the touch: nothing to send then.
            if d.consent != 1
                || d.unsubscribed_at.is_some()
                || suppressed.contains(&d.email)
                || touch.is_none()
            {
                sqlx::query(
                    "UPDATE campaign_sends SET status = 'skipped' WHERE id = $1 AND status = 'queued'",
                )
                .bind(d.id)
                .execute(&mut *tx)
                .await?;
                continue;
            }
            let recipient = Recipient {
                first_name: d.first_name.clone(),
                last_name: d.last_name.clone(),
                email: d.email.clone(),
                company: d.company.clone(),
            };
            let unsubscribe_url = format!("{public}/u/{}", links::unsubscribe_token(&key, d.id));
            let rendered = match touch {
                Some(Ok(p)) => render::personalise(p, &recipient, &unsubscribe_url, |target| {
                    links::click_url(public, &key, d.id, target)
                }),
                Some(Err(e)) => Err(e.clone()),
                None => continue,
            }
            .map(|mut r| {
                if launch.track_opens == 1 {
                    let pixel = format!(
                        "<img src=\"{public}/o/{}.gif\" width=\"1\" height=\"1\" alt=\"\" style=\"display:block;border:0\">",
                        links::open_token(&key, d.id)
                    );
                    r.html = match r.html.rfind("</body>") {
                        Some(at) => format!("{}{pixel}{}", &r.html[..at], &r.html[at..]),
                        None => format!("{}{pixel}", r.html),
                    };
                }
                r
            });
            let claimed = sqlx::query(
                "UPDATE campaign_sends SET status = $1, sent_at = $2, error = $3 WHERE id = $4 AND status = 'queued'",
            )
            .bind(if rendered.is_ok() { "sent" } else { "failed" })
            .bind(now)
            .bind(rendered.as_ref().err().map(|e| format!("{e:?}")))
            .bind(d.id)
            .execute(&mut *tx)
            .await?;
            if claimed.rows_affected() != 1 {
                continue;
            }
            if let Ok(r) = rendered {
                let mail = crate::server::mail::Mail {
                    to: d.email.clone(),
                    subject: r.subject,
                    body: r.text,
                    html: Some(r.html),
                    from_name: Some(brand.sender_name.clone()),
                    reply_to: Some(brand.sender_email.clone()),
                    list_unsubscribe: Some(unsubscribe_url),
                };
                let outbox =
                    crate::server::mail::record_for_batch(&mut tx, smtp, &mail, now).await?;
                sqlx::query("UPDATE campaign_sends SET outbox_id = $1 WHERE id = $2")
                    .bind(outbox)
                    .bind(d.id)
                    .execute(&mut *tx)
                    .await?;
                written.push((outbox, mail));
            }
        }
        tx.commit().await?;
        sent += written.len();
        if smtp {
            if let Some(previous) = delivering.take() {
                previous.await.map_err(crate::error::internal)??;
            }
            let state = state.clone();
            delivering = Some(tokio::spawn(async move {
                crate::server::mail::deliver_mails(&state, written).await
            }));
        }
    }
    if let Some(last) = delivering.take() {
        last.await.map_err(crate::error::internal)??;
    }
    // What is left: more due now (the budget ran out), later touches, or messages another
    // run is still delivering (looked at again when its lease ends).
    let next: Option<i64> = sqlx::query_scalar(
        "SELECT MIN(due_at) FROM campaign_sends WHERE launch_id = $1 AND status = 'queued'",
    )
    .bind(launch_id)
    .fetch_one(&db.pool)
    .await?;
    let delivering: Option<i64> = sqlx::query_scalar(
        "SELECT MIN(o.claimed_at) FROM campaign_sends s JOIN outbox o ON o.id = s.outbox_id \
         WHERE s.launch_id = $1 AND o.status = 'sending'",
    )
    .bind(launch_id)
    .fetch_one(&db.pool)
    .await?;
    let lease_end = delivering.map(|c| c + crate::server::mail::BATCH_LEASE_SECS + 1);
    match next.into_iter().chain(lease_end).min() {
        Some(at) => queue(&db.pool, launch_id, at.max(now + 60)).await?,
        None => {
            sqlx::query("UPDATE campaign_launches SET status = $1 WHERE id = $2")
                .bind(LaunchStatus::Done.code())
                .bind(launch_id)
                .execute(&db.pool)
                .await?;
        }
    }
    Ok(sent)
}

#[derive(sqlx::FromRow)]
struct ViewRow {
    id: i64,
    template_id: i64,
    template_name: String,
    org_name: String,
    #[sqlx(try_from = "String")]
    status: LaunchStatus,
    starts_at: i64,
    recipients: i64,
    skipped_no_consent: i64,
    skipped_suppressed: i64,
    list_tag: String,
    track_opens: i64,
    region_values: String,
    review_note: String,
    sent: i64,
    queued: i64,
    failed: i64,
    clicks: i64,
    opens: i64,
    visits: i64,
    submissions: i64,
    leads: i64,
    unsubscribes: i64,
}

impl From<ViewRow> for LaunchView {
    fn from(r: ViewRow) -> Self {
        LaunchView {
            id: r.id,
            template_id: r.template_id,
            template_name: r.template_name,
            org_name: r.org_name,
            status: r.status,
            starts_at: r.starts_at,
            recipients: r.recipients,
            skipped_no_consent: r.skipped_no_consent,
            skipped_suppressed: r.skipped_suppressed,
            sent: r.sent,
            queued: r.queued,
            failed: r.failed,
            clicks: r.clicks,
            visits: r.visits,
            submissions: r.submissions,
            leads: r.leads,
            unsubscribes: r.unsubscribes,
            opens: (r.track_opens == 1).then_some(r.opens),
            list: r.list_tag,
            rejections: Vec::new(),
            regions: serde_json::from_str(&r.region_values).unwrap_or_default(),
            review_note: r.review_note,
        }
    }
}

/// Launches with their counts, one query: `filter` narrows `l` (binds from `$1`).
/// A message counts as sent once it is in the outbox, unless the recipient's mail server
/// refused it; then it is failed, as is one that could not be rendered.
fn view_sql(filter: &str) -> String {
    let event = |kind: &str| {
        format!(
            "(SELECT COUNT(*) FROM campaign_events e WHERE e.launch_id = l.id AND e.kind = '{kind}') AS {kind}s"
        )
    };
    format!(
        "SELECT l.id, l.template_id, t.name AS template_name, o.name AS org_name, l.status, l.starts_at, \
         l.recipients, l.skipped_no_consent, l.skipped_suppressed, l.list_tag, l.track_opens, l.region_values, l.review_note, \
         (SELECT COUNT(*) FROM campaign_sends s LEFT JOIN outbox m ON m.id = s.outbox_id \
          WHERE s.launch_id = l.id AND s.status = 'sent' AND (m.status IS NULL OR m.status <> 'failed')) AS sent, \
         (SELECT COUNT(*) FROM campaign_sends s WHERE s.launch_id = l.id AND s.status = 'queued') AS queued, \
         (SELECT COUNT(*) FROM campaign_sends s LEFT JOIN outbox m ON m.id = s.outbox_id \
          WHERE s.launch_id = l.id AND (s.status = 'failed' OR m.status = 'failed')) AS failed, \
         {}, {}, {}, {}, {}, \
         (SELECT COUNT(*) FROM leads ld WHERE ld.launch_id = l.id) AS leads \
         FROM campaign_launches l JOIN campaign_templates t ON t.id = l.template_id \
         JOIN orgs o ON o.id = l.org_id WHERE {filter}",
        event("click"),
        event("open"),
        event("visit"),
        event("submission"),
        event("unsubscribe"),
    )
}

/// Vendor staff who see every partner's launches (counts only).
fn sees_all(c: &Caller) -> bool {
    c.vendor && crate::policy::role_allows(c.role, Action::ViewAllPartners)
}

/// Launches with progress, newest first: the caller's organisation's, or every
/// partner's for vendor staff (counts only).
pub async fn list(db: &Db, c: &Caller) -> Result<Vec<LaunchView>, AppError> {
    let all = sees_all(c);
    if !all && !crate::policy::role_allows(c.role, Action::LaunchCampaigns) {
        return Err(AppError::Forbidden);
    }
    let rows: Vec<ViewRow> = sqlx::query_as(&view_sql(
        "($1 = 1 OR l.org_id = $2) ORDER BY l.created_at DESC, l.id DESC LIMIT 200",
    ))
    .bind(i64::from(all))
    .bind(c.org_id)
    .fetch_all(&db.pool)
    .await?;
    let mut out: Vec<LaunchView> = rows.into_iter().map(LaunchView::from).collect();
    if !c.vendor {
        for l in out.iter_mut().filter(|l| l.failed > 0) {
            l.rejections = rejections(db, l.id).await?;
        }
    }
    Ok(out)
}

/// The recipients of a launch whose message failed, with the reason.
async fn rejections(db: &Db, launch: i64) -> Result<Vec<super::Rejection>, AppError> {
    let rows: Vec<(String, Option<String>)> = sqlx::query_as(
        "SELECT c.email, COALESCE(m.error, s.error) FROM campaign_sends s \
         JOIN contacts c ON c.id = s.contact_id LEFT JOIN outbox m ON m.id = s.outbox_id \
         WHERE s.launch_id = $1 AND (s.status = 'failed' OR m.status = 'failed') \
         ORDER BY s.id LIMIT 500",
    )
    .bind(launch)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(email, error)| super::Rejection {
            email,
            error: error.unwrap_or_default(),
        })
        .collect())
}

/// A launch's progress and counts: its partner's own staff (with the refused recipients)
/// and vendor staff (counts only, never contacts). Another partner's launch is not found.
pub async fn view(db: &Db, c: &Caller, id: i64) -> Result<LaunchView, AppError> {
    let row: Option<ViewRow> = sqlx::query_as(&view_sql("l.id = $1 AND ($2 = 1 OR l.org_id = $3)"))
        .bind(id)
        .bind(i64::from(sees_all(c)))
        .bind(c.org_id)
        .fetch_optional(&db.pool)
        .await?;
    let r = row.ok_or(AppError::NotFound)?;
    if !c.vendor && !crate::policy::role_allows(c.role, Action::LaunchCampaigns) {
        return Err(AppError::Forbidden);
    }
    let mut out = LaunchView::from(r);
    if !c.vendor {
        out.rejections = rejections(db, id).await?;
    }
    Ok(out)
}

/// A template's launches in one status, oldest first (the caller checked who may see them).
pub async fn with_status(
    db: &Db,
    template_id: i64,
    status: LaunchStatus,
) -> Result<Vec<LaunchView>, AppError> {
    let rows: Vec<ViewRow> = sqlx::query_as(&view_sql(
        "l.template_id = $1 AND l.status = $2 ORDER BY l.created_at, l.id LIMIT 200",
    ))
    .bind(template_id)
    .bind(status.code())
    .fetch_all(&db.pool)
    .await?;
    Ok(rows.into_iter().map(LaunchView::from).collect())
}

/// A campaign's results, per partner and in total: vendor staff who see partners or
/// manage campaigns get every partner's counts, a partner its own. Counts only.
pub async fn stats(
    db: &Db,
    c: &Caller,
    template_id: i64,
) -> Result<super::CampaignStats, AppError> {
    let all =
        sees_all(c) || (c.vendor && crate::policy::role_allows(c.role, Action::ManageCampaigns));
    if !all && !crate::policy::role_allows(c.role, Action::LaunchCampaigns) {
        return Err(AppError::Forbidden);
    }
    let template = visible_template(db, c, template_id).await?;
    let rows: Vec<ViewRow> = sqlx::query_as(&view_sql(
        "l.template_id = $1 AND ($2 = 1 OR l.org_id = $3) ORDER BY o.name, l.id",
    ))
    .bind(template_id)
    .bind(i64::from(all))
    .bind(c.org_id)
    .fetch_all(&db.pool)
    .await?;
    let mut totals = super::StatRow::default();
    let mut by_partner: Vec<super::StatRow> = Vec::new();
    for l in rows.into_iter().map(LaunchView::from) {
        totals.add(&l);
        match by_partner.iter_mut().find(|r| r.name == l.org_name) {
            Some(r) => r.add(&l),
            None => {
                let mut r = super::StatRow {
                    name: l.org_name.clone(),
                    ..Default::default()
                };
                r.add(&l);
                by_partner.push(r);
            }
        }
    }
    Ok(super::CampaignStats {
        template_id,
        template_name: template.name,
        partners: by_partner.len() as i64,
        totals,
        by_partner,
    })
}
