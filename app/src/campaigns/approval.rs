//! Vendor approval of partners' edits. A template may ask for it: a launch whose editable
//! regions say something other than the template's defaults waits (`pending_approval`,
//! nothing sent, vendor campaign staff notified) until vendor staff who manage campaigns
//! approve it (it is then scheduled, every send moved by the time it waited) or send it
//! back with a note (`rejected`: nothing is ever sent; the partner may launch again).

use super::service::text;
use super::store::TemplateRow;
use super::{LaunchReview, LaunchStatus, LaunchView};
use crate::auth::Caller;
use crate::error::{AppError, Problems};
use crate::notifications::store::{Notice, notify};
use crate::policy::Action;
use crate::server::db::Db;
use std::collections::BTreeMap;

/// The subject type of launch notifications.
const SUBJECT: &str = "campaign_launch";

/// Whether a launch of `t` with these region texts waits for approval: the template asks
/// for it and the partner changed a region (an empty text means the default).
pub fn needed(t: &TemplateRow, regions: &BTreeMap<String, String>) -> bool {
    if t.approval_required != 1 {
        return false;
    }
    let editable = t.editable();
    regions.iter().any(|(name, value)| {
        let value = value.trim();
        !value.is_empty()
            && editable
                .iter()
                .any(|r| &r.name == name && r.default.trim() != value)
    })
}

/// Tells the vendor's campaign staff that a launch waits for them (in the launch's
/// transaction).
pub async fn ask(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    launch_id: i64,
    template: &TemplateRow,
) -> Result<(), AppError> {
    let reviewers: Vec<i64> = sqlx::query_scalar(
        "SELECT u.id FROM users u JOIN orgs o ON o.id = u.org_id WHERE o.kind = 'vendor' \
         AND u.active = 1 AND u.role IN ('admin', 'vendor_marketer') ORDER BY u.id",
    )
    .fetch_all(&mut **tx)
    .await?;
    let link = format!("/campaigns/{}#approvals", template.id);
    for user_id in reviewers {
        notify(
            &mut **tx,
            Notice {
                user_id,
                subject_type: SUBJECT,
                subject_id: launch_id,
                kind: "launch.notify_pending",
                title: &template.name,
                body: "",
                link: &link,
            },
        )
        .await?;
    }
    Ok(())
}

#[derive(sqlx::FromRow)]
struct Pending {
    #[sqlx(try_from = "String")]
    status: LaunchStatus,
    starts_at: i64,
    created_by: i64,
    template_id: i64,
    template_name: String,
    org_id: i64,
}

/// Approves a launch waiting for approval, or sends it back with a note. Vendor staff who
/// manage campaigns only; a launch that is not waiting (decided already, by someone else
/// too) is a conflict and changes nothing.
pub async fn review(
    db: &Db,
    c: &Caller,
    id: i64,
    input: &LaunchReview,
    now: i64,
) -> Result<LaunchView, AppError> {
    c.require(Action::ManageCampaigns)?;
    if !c.vendor {
        return Err(AppError::Forbidden);
    }
    let launch: Pending = sqlx::query_as(
        "SELECT l.status, l.starts_at, l.created_by, l.template_id, t.name AS template_name, l.org_id \
         FROM campaign_launches l JOIN campaign_templates t ON t.id = l.template_id WHERE l.id = $1",
    )
    .bind(id)
    .fetch_optional(&db.pool)
    .await?
    .ok_or(AppError::NotFound)?;
    let mut p = Problems::new();
    // Sending back needs a reason the partner can act on.
    let note = text(&mut p, "note", &input.note, 2_000, !input.approve);
    p.into_result()?;
    if launch.status != LaunchStatus::PendingApproval {
        return Err(AppError::Conflict("approval.not_pending".into()));
    }
    let start = launch.starts_at.max(now);
    let mut tx = db.pool.begin().await?;
    let decided = sqlx::query(
        "UPDATE campaign_launches SET status = $1, review_note = $2, reviewed_by = $3, \
         reviewed_at = $4, starts_at = $5 WHERE id = $6 AND status = $7",
    )
    .bind(if input.approve {
        LaunchStatus::Scheduled.code()
    } else {
        LaunchStatus::Rejected.code()
    })
    .bind(&note)
    .bind(c.user_id)
    .bind(now)
    .bind(start)
    .bind(id)
    .bind(LaunchStatus::PendingApproval.code())
    .execute(&mut *tx)
    .await?;
    if decided.rows_affected() != 1 {
        return Err(AppError::Conflict("approval.not_pending".into()));
    }
    if input.approve {
        // Every touch keeps its distance from the start, which is now at the earliest.
        sqlx::query(
            "UPDATE campaign_sends SET due_at = due_at + $1 WHERE launch_id = $2 AND status = 'queued'",
        )
        .bind(start - launch.starts_at)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        super::sending::queue(&mut *tx, id, start).await?;
    } else {
        sqlx::query(
            "UPDATE campaign_sends SET status = 'skipped' WHERE launch_id = $1 AND status = 'queued'",
        )
        .bind(id)
        .execute(&mut *tx)
        .await?;
    }
    crate::server::audit::record(
        &mut *tx,
        crate::server::audit::AuditEvent {
            actor: crate::policy::Actor::User(c),
            org_id: Some(launch.org_id),
            action: if input.approve {
                "campaign.launch_approve"
            } else {
                "campaign.launch_reject"
            },
            entity_type: "campaign_launch",
            entity_id: id.to_string(),
            before: Some(serde_json::json!({ "status": launch.status.code() })),
            after: Some(serde_json::json!({ "note": note, "starts_at": start })),
        },
    )
    .await?;
    notify(
        &mut *tx,
        Notice {
            user_id: launch.created_by,
            subject_type: SUBJECT,
            subject_id: id,
            kind: if input.approve {
                "launch.notify_approved"
            } else {
                "launch.notify_rejected"
            },
            title: &launch.template_name,
            body: &note,
            link: &format!("/campaigns/{}", launch.template_id),
        },
    )
    .await?;
    tx.commit().await?;
    super::sending::view(db, c, id).await
}

/// Launches waiting for approval, oldest first (vendor campaign staff only).
pub async fn pending(db: &Db, c: &Caller, template_id: i64) -> Result<Vec<LaunchView>, AppError> {
    c.require(Action::ManageCampaigns)?;
    if !c.vendor {
        return Err(AppError::Forbidden);
    }
    super::sending::with_status(db, template_id, LaunchStatus::PendingApproval).await
}
