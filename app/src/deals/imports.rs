//! Pipeline uploads from the browser, as jobs that live in the database.
//!
//! The file arrives in chunks (each request stays under the body limit), is parsed and
//! validated as a whole for the preview, and, once the user confirms, is written in batches
//! by a job of the durable queue (`server::jobs`), which any server may run: each batch
//! commits together with the upload's progress, so a page polling any server sees the same
//! bar, and a job whose server died is taken over and resumes from its last committed batch
//! (upserts by `external_id` are idempotent). Nothing is written unless every row is valid.

use super::ImportState;
use super::pipeline::{self, ImportStats, parse_csv};
use super::{
    IMPORT_CHUNK_BYTES, ImportPreview, ImportView, MAX_IMPORT_BYTES, MAX_LISTED_ERRORS,
    PREVIEW_ROWS, PipelineRow,
};
use crate::auth::Caller;
use crate::error::AppError;
use crate::policy::{Action, Actor};
use crate::server::AppState;
use crate::server::audit::{self, AuditEvent};
use crate::server::db::Db;
use crate::server::jobs::{self, Enqueue, Job};
use crate::server::now;
use sqlx::any::AnyRow;
use sqlx::{FromRow, Row};

/// Rows written per committed batch.
const JOB_BATCH: usize = 2_000;
/// The job kind that writes one confirmed upload.
pub const IMPORT_JOB: &str = "pipeline.import";

fn view_of(r: &AnyRow) -> Result<ImportView, AppError> {
    Ok(ImportView::from_row(r)?)
}

/// The caller's own upload: vendor staff who may import, and only uploads they started.
async fn own(db: &Db, caller: &Caller, id: i64) -> Result<ImportView, AppError> {
    caller.require(Action::ImportPipeline)?;
    let r = sqlx::query("SELECT * FROM pipeline_imports WHERE id = $1 AND created_by = $2")
        .bind(id)
        .bind(caller.user_id)
        .fetch_optional(&db.pool)
        .await?
        .ok_or(AppError::NotFound)?;
    view_of(&r)
}

/// Starts an upload of a file of `bytes` bytes.
pub async fn create(
    db: &Db,
    caller: &Caller,
    file_name: &str,
    bytes: i64,
) -> Result<ImportView, AppError> {
    caller.require(Action::ImportPipeline)?;
    let name: String = file_name
        .chars()
        .filter(|c| !c.is_control())
        .take(200)
        .collect();
    if name.trim().is_empty() {
        return Err(AppError::field("file", "err.file_required"));
    }
    if bytes <= 0 {
        return Err(AppError::field("file", "err.file_empty"));
    }
    if bytes as usize > MAX_IMPORT_BYTES {
        return Err(AppError::field("file", "err.file_too_large"));
    }
    let t = now();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO pipeline_imports (created_by, file_name, state, bytes, created_at, updated_at) \
         VALUES ($1, $2, 'uploading', $3, $4, $4) RETURNING id",
    )
    .bind(caller.user_id)
    .bind(name.trim())
    .bind(bytes)
    .bind(t)
    .fetch_one(&db.pool)
    .await?;
    own(db, caller, id).await
}

/// Stores one chunk of the file. Chunks may be re-sent (a retried request replaces its
/// chunk); the total may not exceed the size announced at the start.
pub async fn put_chunk(
    db: &Db,
    caller: &Caller,
    id: i64,
    seq: i64,
    data: &str,
) -> Result<(), AppError> {
    let imp = own(db, caller, id).await?;
    if imp.state != ImportState::Uploading {
        return Err(AppError::Conflict("import.not_uploading".into()));
    }
    // A chunk is cut on a character boundary, so a multi-byte character may push it a few
    // bytes past the nominal size.
    if seq < 0 || data.len() > IMPORT_CHUNK_BYTES + 4 {
        return Err(AppError::field("file", "err.chunk_invalid"));
    }
    let mut tx = db.pool.begin().await?;
    sqlx::query("DELETE FROM pipeline_import_chunks WHERE import_id = $1 AND seq = $2")
        .bind(id)
        .bind(seq)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "INSERT INTO pipeline_import_chunks (import_id, seq, data, bytes) VALUES ($1, $2, $3, $4)",
    )
    .bind(id)
    .bind(seq)
    .bind(data)
    .bind(data.len() as i64)
    .execute(&mut *tx)
    .await?;
    let stored: i64 = sqlx::query_scalar(
        "SELECT CAST(COALESCE(SUM(bytes), 0) AS BIGINT) FROM pipeline_import_chunks WHERE import_id = $1",
    )
    .bind(id)
    .fetch_one(&mut *tx)
    .await?;
    if stored > imp.bytes {
        return Err(AppError::field("file", "err.file_too_large"));
    }
    tx.commit().await?;
    Ok(())
}

async fn load(db: &Db, id: i64) -> Result<String, AppError> {
    let chunks: Vec<String> = sqlx::query_scalar(
        "SELECT data FROM pipeline_import_chunks WHERE import_id = $1 ORDER BY seq",
    )
    .bind(id)
    .fetch_all(&db.pool)
    .await?;
    Ok(chunks.concat())
}

fn parse(data: &str) -> Result<Vec<PipelineRow>, Vec<super::RowError>> {
    parse_csv(data.as_bytes())
}

/// Ends the upload: parses and validates the whole file and answers with the preview. An
/// invalid file is kept as `invalid` with its errors shown; nothing of it is imported.
pub async fn finish_upload(db: &Db, caller: &Caller, id: i64) -> Result<ImportPreview, AppError> {
    let imp = own(db, caller, id).await?;
    if imp.state != ImportState::Uploading {
        return Err(AppError::Conflict("import.not_uploading".into()));
    }
    let data = load(db, id).await?;
    let (state, total, sample, errors) = match parse(&data) {
        Ok(rows) if rows.is_empty() => (
            ImportState::Invalid,
            0,
            Vec::new(),
            vec![super::RowError {
                line: 2,
                field: "row".into(),
                message: "the file has no records".into(),
            }],
        ),
        Ok(rows) => (
            ImportState::Ready,
            rows.len(),
            rows.into_iter().take(PREVIEW_ROWS).collect(),
            Vec::new(),
        ),
        Err(errors) => (ImportState::Invalid, 0, Vec::new(), errors),
    };
    let mut tx = db.pool.begin().await?;
    sqlx::query(
        "UPDATE pipeline_imports SET state = $1, total_rows = $2, updated_at = $3 WHERE id = $4",
    )
    .bind(state.code())
    .bind(total as i64)
    .bind(now())
    .bind(id)
    .execute(&mut *tx)
    .await?;
    if state == ImportState::Invalid {
        sqlx::query("DELETE FROM pipeline_import_chunks WHERE import_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    let error_count = errors.len();
    Ok(ImportPreview {
        import: own(db, caller, id).await?,
        sample,
        errors: errors.into_iter().take(MAX_LISTED_ERRORS).collect(),
        error_count,
    })
}

/// Queues a validated upload for writing: the upload and its job in one transaction.
/// Returns at once; the page polls `status`.
pub async fn start(db: &Db, caller: &Caller, id: i64) -> Result<ImportView, AppError> {
    own(db, caller, id).await?;
    let mut tx = db.pool.begin().await?;
    let done = sqlx::query(
        "UPDATE pipeline_imports SET state = 'queued', updated_at = $1 WHERE id = $2 AND state = 'ready'",
    )
    .bind(now())
    .bind(id)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() != 1 {
        return Err(AppError::Conflict("import.not_ready".into()));
    }
    jobs::enqueue(
        &mut *tx,
        IMPORT_JOB,
        &serde_json::json!({ "import_id": id }),
        Enqueue {
            max_attempts: 5,
            dedupe_key: Some(format!("{IMPORT_JOB}:{id}")),
            ..Enqueue::default()
        },
    )
    .await?;
    tx.commit().await?;
    own(db, caller, id).await
}

pub async fn status(db: &Db, caller: &Caller, id: i64) -> Result<ImportView, AppError> {
    own(db, caller, id).await
}

/// The handler of `pipeline.import`. An upload that can no longer be written (its rows no
/// longer parse) fails for good; a database error is retried, and the upload is marked
/// failed only when the last attempt fails too.
pub async fn run_import_job(state: AppState, job: Job) -> Result<(), String> {
    let db = &state.db;
    let id = job.payload["import_id"]
        .as_i64()
        .ok_or("the job names no pipeline upload")?;
    // The job queue's lease and heartbeat say who runs the upload; its own row only
    // records the state and progress that pages poll.
    let claimed = sqlx::query(
        "UPDATE pipeline_imports SET state = 'running', updated_at = $1 \
         WHERE id = $2 AND state IN ('queued', 'running')",
    )
    .bind(now())
    .bind(id)
    .execute(&db.pool)
    .await
    .map_err(|e| e.to_string())?;
    if claimed.rows_affected() == 0 {
        // Done or failed already: a repeated job has nothing left to do.
        return Ok(());
    }
    match run(db, id, job.id).await {
        Ok(()) => Ok(()),
        Err(e) => {
            let permanent = matches!(e, AppError::Conflict(_));
            tracing::warn!(import = id, error = ?e, permanent, "pipeline import failed");
            if permanent || job.last_attempt() {
                sqlx::query(
                    "UPDATE pipeline_imports SET state = 'failed', error = $1, updated_at = $2 WHERE id = $3",
                )
                .bind(format!("{e}"))
                .bind(now())
                .bind(id)
                .execute(&db.pool)
                .await
                .map_err(|e| e.to_string())?;
            }
            if permanent {
                Ok(())
            } else {
                Err(e.to_string())
            }
        }
    }
}

/// Writes a claimed job from its last committed batch on.
async fn run(db: &Db, id: i64, job_id: i64) -> Result<(), AppError> {
    let r = sqlx::query("SELECT * FROM pipeline_imports WHERE id = $1")
        .bind(id)
        .fetch_one(&db.pool)
        .await?;
    let job = view_of(&r)?;
    let created_by: i64 = r.try_get("created_by")?;
    // The audit record names the uploader; a user deactivated meanwhile only by id.
    let uploader = crate::auth::tokens::caller_for_user(db, created_by).await?;
    let rows =
        parse(&load(db, id).await?).map_err(|_| AppError::Conflict("import.invalid".into()))?;
    let mut done = job.done_rows.max(0) as usize;
    let mut inserted = job.inserted;
    let mut updated = job.updated;
    while done < rows.len() {
        let end = (done + JOB_BATCH).min(rows.len());
        let mut stats = ImportStats::default();
        let mut tx = db.pool.begin().await?;
        pipeline::write_rows(&mut tx, &rows[done..end], &mut stats).await?;
        inserted += stats.inserted as i64;
        updated += stats.updated as i64;
        let t = now();
        let last = end == rows.len();
        let kept = sqlx::query(
            "UPDATE pipeline_imports SET done_rows = $1, inserted = $2, updated = $3, \
             updated_at = $4, state = $5 WHERE id = $6 AND state = 'running' AND done_rows = $7",
        )
        .bind(end as i64)
        .bind(inserted)
        .bind(updated)
        .bind(t)
        .bind(
            if last {
                ImportState::Done
            } else {
                ImportState::Running
            }
            .code(),
        )
        .bind(id)
        .bind(done as i64)
        .execute(&mut *tx)
        .await?;
        if kept.rows_affected() != 1 {
            // Another server took the job over; it carries on from the committed batch.
            return Ok(());
        }
        if last {
            sqlx::query("DELETE FROM pipeline_import_chunks WHERE import_id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
            let removed = format!("pipeline upload by user {created_by}");
            audit::record(
                &mut *tx,
                AuditEvent {
                    actor: match &uploader {
                        Some(c) => Actor::User(c),
                        None => Actor::System(&removed),
                    },
                    org_id: uploader.as_ref().map(|c| c.org_id),
                    action: "pipeline.import",
                    entity_type: "pipeline_import",
                    entity_id: id.to_string(),
                    before: None,
                    after: Some(serde_json::json!({
                        "file": job.file_name, "rows": rows.len(), "inserted": inserted, "updated": updated
                    })),
                },
            )
            .await?;
        }
        tx.commit().await?;
        done = end;
        jobs::set_progress(db, job_id, done as i64, rows.len() as i64).await?;
    }
    pipeline::refresh_statistics(db, rows.len()).await
}
