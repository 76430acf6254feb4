//! The durable job queue, in the database on both backends. Any server queues work (in the
//! same transaction as the change that calls for it, when there is one); every server runs
//! a worker that claims due jobs.
//!
//! - **Claim**: a guarded update moves a due job from `queued` to `running` under the
//!   worker's name, so two workers (on one server or many) never both take a job.
//! - **Heartbeat**: while a handler runs, the worker refreshes `heartbeat_at`. A job whose
//!   heartbeat is older than the lease is taken over by another worker: a killed server's
//!   jobs finish elsewhere.
//! - **At least once**: a handler may run again after a crash, so handlers are idempotent
//!   (the mail handler, for one, skips a message already marked sent).
//! - **Retries**: a failed attempt is queued again after an exponential backoff; after
//!   `max_attempts` the job is `dead` with its last error, for an admin to retry.
//! - **Progress** is stored on the job, so any server can report it.
//!
//! No feature types live here: features register handlers by kind (see `Registry`).

use super::AppState;
use super::db::Db;
use super::now;
use crate::error::AppError;
use futures::future::BoxFuture;
use sqlx::{Any, Executor, Row};
use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

/// A claimed job, as its handler sees it.
#[derive(Debug, Clone)]
pub struct Job {
    pub id: i64,
    pub kind: String,
    pub payload: serde_json::Value,
    /// This attempt's number, from 1.
    pub attempt: i64,
    pub max_attempts: i64,
}

impl Job {
    /// Whether a failure now makes the job dead rather than queued again.
    pub fn last_attempt(&self) -> bool {
        self.attempt >= self.max_attempts
    }
}

/// How a job is queued.
#[derive(Debug, Clone)]
pub struct Enqueue {
    /// Not before this time (epoch seconds); now by default.
    pub run_at: Option<i64>,
    pub max_attempts: i64,
    /// At most one job ever exists per key (periodic work queued by every server).
    pub dedupe_key: Option<String>,
}

impl Default for Enqueue {
    fn default() -> Self {
        Enqueue {
            run_at: None,
            max_attempts: 5,
            dedupe_key: None,
        }
    }
}

/// Queues a job; returns its id, or `None` when a job with the same dedupe key exists.
pub async fn enqueue<'e, E>(
    exec: E,
    kind: &str,
    payload: &serde_json::Value,
    opts: Enqueue,
) -> Result<Option<i64>, sqlx::Error>
where
    E: Executor<'e, Database = Any>,
{
    let t = now();
    let row = sqlx::query(
        "INSERT INTO jobs (kind, payload, state, attempts, max_attempts, run_at, dedupe_key, created_at, updated_at) \
         VALUES ($1, $2, 'queued', 0, $3, $4, $5, $6, $6) \
         ON CONFLICT (dedupe_key) DO NOTHING RETURNING id",
    )
    .bind(kind)
    .bind(payload.to_string())
    .bind(opts.max_attempts.max(1))
    .bind(opts.run_at.unwrap_or(t))
    .bind(opts.dedupe_key)
    .bind(t)
    .fetch_optional(exec)
    .await?;
    row.map(|r| r.try_get::<i64, _>(0)).transpose()
}

type Handler = Arc<dyn Fn(AppState, Job) -> BoxFuture<'static, Result<(), String>> + Send + Sync>;

/// Handlers by job kind. The server builds one from the features' handlers.
#[derive(Clone, Default)]
pub struct Registry(HashMap<&'static str, Handler>);

impl Registry {
    pub fn new() -> Self {
        Self::default()
    }

    /// Handles jobs of `kind` with `f`. An `Err` is the attempt's error, shown to admins.
    pub fn on<F, Fut>(mut self, kind: &'static str, f: F) -> Self
    where
        F: Fn(AppState, Job) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<(), String>> + Send + 'static,
    {
        self.0.insert(kind, Arc::new(move |s, j| Box::pin(f(s, j))));
        self
    }
}

/// A worker: its name (unique per process) and timings.
#[derive(Clone)]
pub struct Worker {
    pub name: String,
    pub registry: Registry,
    /// A running job whose heartbeat is older than this is taken over.
    pub lease_secs: i64,
    /// The first retry waits this long, each next one twice as long (at most an hour).
    pub backoff_secs: i64,
    /// How often an idle worker looks for due jobs.
    pub poll: Duration,
}

impl Worker {
    pub fn new(registry: Registry) -> Self {
        Worker {
            name: format!(
                "{}-{}-{}",
                std::env::var("HOSTNAME").unwrap_or_else(|_| "trellis".into()),
                std::process::id(),
                super::security::random_token(4)
            ),
            registry,
            lease_secs: 60,
            backoff_secs: 10,
            poll: Duration::from_secs(1),
        }
    }

    /// Claims one due job: a queued one whose time has come, or a running one whose worker
    /// stopped sending heartbeats.
    pub async fn claim(&self, db: &Db) -> Result<Option<Job>, sqlx::Error> {
        const DUE: &str =
            "((state = 'queued' AND run_at <= $1) OR (state = 'running' AND heartbeat_at < $2))";
        for _ in 0..5 {
            let t = now();
            let stale = t - self.lease_secs;
            let Some(row) = sqlx::query(&format!(
                "SELECT id FROM jobs WHERE {DUE} ORDER BY run_at, id LIMIT 1"
            ))
            .bind(t)
            .bind(stale)
            .fetch_optional(&db.pool)
            .await?
            else {
                return Ok(None);
            };
            let id: i64 = row.try_get(0)?;
            // The same condition again: of two workers that saw this job, one wins.
            let claimed = sqlx::query(&format!(
                "UPDATE jobs SET state = 'running', locked_by = $3, heartbeat_at = $1, \
                 attempts = attempts + 1, updated_at = $1 WHERE id = $4 AND {DUE} \
                 RETURNING kind, payload, attempts, max_attempts"
            ))
            .bind(t)
            .bind(stale)
            .bind(&self.name)
            .bind(id)
            .fetch_optional(&db.pool)
            .await?;
            if let Some(r) = claimed {
                let payload: String = r.try_get("payload")?;
                return Ok(Some(Job {
                    id,
                    kind: r.try_get("kind")?,
                    payload: serde_json::from_str(&payload).unwrap_or(serde_json::Value::Null),
                    attempt: r.try_get("attempts")?,
                    max_attempts: r.try_get("max_attempts")?,
                }));
            }
        }
        Ok(None)
    }

    /// Runs one claimed job to its end: done, queued again after a backoff, or dead.
    pub async fn run(&self, state: &AppState, job: Job) -> Result<(), sqlx::Error> {
        let db = &state.db;
        let outcome = if job.attempt > job.max_attempts {
            // Claimed again after its worker died on the last attempt.
            Err("the worker running the last attempt stopped".to_string())
        } else {
            match self.registry.0.get(job.kind.as_str()) {
                None => Err(format!("no handler for jobs of kind '{}'", job.kind)),
                Some(handler) => {
                    // A handler that panics fails its attempt; it must not take the
                    // worker loop down with it.
                    use futures::FutureExt;
                    let work = std::panic::AssertUnwindSafe(handler(state.clone(), job.clone()))
                        .catch_unwind()
                        .map(|r| r.unwrap_or_else(|_| Err("the job's handler panicked".into())))
                        .boxed();
                    self.with_heartbeat(db, job.id, work).await
                }
            }
        };
        let t = now();
        match outcome {
            Ok(()) => {
                sqlx::query(
                    "UPDATE jobs SET state = 'done', last_error = NULL, finished_at = $1, updated_at = $1 \
                     WHERE id = $2 AND locked_by = $3 AND state = 'running'",
                )
                .bind(t)
                .bind(job.id)
                .bind(&self.name)
                .execute(&db.pool)
                .await?;
            }
            Err(error) => {
                tracing::warn!(job = job.id, kind = %job.kind, attempt = job.attempt, %error, "job attempt failed");
                let error: String = error.chars().take(2000).collect();
                let (state, run_at) = if job.last_attempt() {
                    ("dead", t)
                } else {
                    let exp = u32::try_from(job.attempt - 1).unwrap_or(0).min(12);
                    ("queued", t + (self.backoff_secs << exp).min(3600))
                };
                sqlx::query(
                    "UPDATE jobs SET state = $1, run_at = $2, last_error = $3, locked_by = NULL, \
                     finished_at = CASE WHEN $1 = 'dead' THEN $4 ELSE NULL END, updated_at = $4 \
                     WHERE id = $5 AND locked_by = $6 AND state = 'running'",
                )
                .bind(state)
                .bind(run_at)
                .bind(&error)
                .bind(t)
                .bind(job.id)
                .bind(&self.name)
                .execute(&db.pool)
                .await?;
            }
        }
        Ok(())
    }

    /// Runs `work` while refreshing the job's heartbeat. Both live in this one future, so a
    /// worker that is stopped stops beating too and the job is taken over.
    async fn with_heartbeat(
        &self,
        db: &Db,
        id: i64,
        work: BoxFuture<'static, Result<(), String>>,
    ) -> Result<(), String> {
        let every = Duration::from_secs((self.lease_secs.max(3) / 3) as u64);
        let mut work = std::pin::pin!(work);
        loop {
            tokio::select! {
                r = &mut work => return r,
                _ = tokio::time::sleep(every) => {
                    let beat = sqlx::query(
                        "UPDATE jobs SET heartbeat_at = $1 WHERE id = $2 AND locked_by = $3 AND state = 'running'",
                    )
                    .bind(now())
                    .bind(id)
                    .bind(&self.name)
                    .execute(&db.pool)
                    .await;
                    if let Err(e) = beat {
                        tracing::warn!(job = id, error = %e, "job heartbeat failed");
                    }
                }
            }
        }
    }

    /// Runs every job that is due now; returns how many attempts were made.
    pub async fn run_due(&self, state: &AppState) -> Result<usize, sqlx::Error> {
        let mut n = 0;
        while let Some(job) = self.claim(&state.db).await? {
            self.run(state, job).await?;
            n += 1;
        }
        Ok(n)
    }

    /// The worker loop of a server, until the process ends.
    pub fn spawn(self, state: AppState) -> tokio::task::JoinHandle<()> {
        tokio::spawn(async move {
            loop {
                if let Err(e) = self.run_due(&state).await {
                    tracing::warn!(error = %e, "job worker failed");
                }
                tokio::time::sleep(self.poll).await;
            }
        })
    }
}

/// Forgets finished jobs older than `keep_secs` (dead ones stay until retried or looked
/// at: they are the admin's to-do list). Returns how many went.
pub async fn prune_done(db: &Db, keep_secs: i64) -> Result<u64, sqlx::Error> {
    Ok(
        sqlx::query("DELETE FROM jobs WHERE state = 'done' AND finished_at < $1")
            .bind(now() - keep_secs)
            .execute(&db.pool)
            .await?
            .rows_affected(),
    )
}

/// Records a running job's progress, readable from any server.
pub async fn set_progress(db: &Db, id: i64, done: i64, total: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE jobs SET progress_done = $1, progress_total = $2, updated_at = $3 WHERE id = $4",
    )
    .bind(done)
    .bind(total)
    .bind(now())
    .bind(id)
    .execute(&db.pool)
    .await
    .map(|_| ())
}

/// A job's state as admins see it: `failed` is a queued job whose last attempt failed.
const SHOWN_STATE: &str =
    "CASE WHEN state = 'queued' AND last_error IS NOT NULL THEN 'failed' ELSE state END";

/// The newest jobs that are not done (or, with `state`, those in that state), as rows of
/// the caller's type (the admin page's): `id, kind, state, attempts, max_attempts, run_at,
/// last_error, progress_done, progress_total, updated_at`.
pub async fn list<T>(db: &Db, state: &str) -> Result<Vec<T>, AppError>
where
    T: for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow> + Send + Unpin,
{
    if !matches!(
        state,
        "" | "queued" | "running" | "failed" | "dead" | "done"
    ) {
        return Err(AppError::field("state", "err.choice_invalid"));
    }
    Ok(sqlx::query_as(&format!(
        "SELECT id, kind, {SHOWN_STATE} AS state, attempts, max_attempts, run_at, last_error, \
         progress_done, progress_total, updated_at FROM jobs \
         WHERE ($1 = '' AND state <> 'done') OR {SHOWN_STATE} = $1 ORDER BY id DESC LIMIT 200"
    ))
    .bind(state)
    .fetch_all(&db.pool)
    .await?)
}

/// How many jobs are in each state (`failed` counted apart from `queued`).
pub async fn counts(db: &Db) -> Result<Vec<(String, i64)>, AppError> {
    Ok(sqlx::query_as(&format!(
        "SELECT {SHOWN_STATE} AS s, COUNT(*) AS n FROM jobs GROUP BY 1 ORDER BY 1"
    ))
    .fetch_all(&db.pool)
    .await?)
}

/// Queues a dead job again with fresh attempts. Only dead jobs can be retried.
pub async fn retry(db: &Db, id: i64) -> Result<(), AppError> {
    let t = now();
    let n = sqlx::query(
        "UPDATE jobs SET state = 'queued', attempts = 0, run_at = $1, locked_by = NULL, \
         finished_at = NULL, updated_at = $1 WHERE id = $2 AND state = 'dead'",
    )
    .bind(t)
    .bind(id)
    .execute(&db.pool)
    .await?
    .rows_affected();
    if n == 0 {
        let exists: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM jobs WHERE id = $1")
            .bind(id)
            .fetch_one(&db.pool)
            .await?;
        return Err(if exists == 0 {
            AppError::NotFound
        } else {
            AppError::Conflict("job.not_dead".into())
        });
    }
    Ok(())
}
